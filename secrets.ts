/**
 * Secrets, made and kept one way everywhere: session tokens, share links and cookie grants are
 * {@linkcode newSecret}; every file holding a secret is written by {@linkcode writePrivateFile}; every check of
 * a presented secret is {@linkcode safeEqual}; {@linkcode sha256} is the one digest the derivations use
 * (protocol/session_id.ts builds the session id, token hash and registration key on it).
 *
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";

/**
 * A fresh random secret: `bytes` random bytes (256 bits by default), base64url without padding.
 *
 * @param bytes How many random bytes. @default {32}
 * @returns The secret, URL-, cookie- and file-name-safe.
 *
 * @example
 * ```ts
 * import { newSecret } from "./secrets.ts";
 * newSecret().length; // 43
 * newSecret(9).length; // 12
 * ```
 */
export function newSecret(bytes = 32): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * SHA-256 of a text (UTF-8), base64url without padding (43 characters).
 *
 * @example
 * ```ts
 * import { sha256 } from "./secrets.ts";
 * sha256("abc"); // "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
 * ```
 */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

/**
 * Compares a presented secret with the expected one in time that depends on neither's content nor length
 * (both are hashed first, so the compared digests always have equal lengths).
 *
 * @example
 * ```ts
 * import { safeEqual } from "./secrets.ts";
 * safeEqual("s3cret", "s3cret"); // true
 * safeEqual("s3cret", "guess"); // false
 * ```
 */
export function safeEqual(presented: string | Uint8Array, expected: string | Uint8Array): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Writes (or replaces) a file only its owner can read (0600, whatever the umask), atomically: a fresh temp
 * file beside it, renamed into place, so no reader ever sees a half-written or briefly readable secret.
 *
 * @param path Where the file goes; its folder must exist.
 * @param data The content.
 *
 * @example
 * ```ts
 * import { writePrivateFile } from "./secrets.ts";
 * await writePrivateFile("/tmp/s/token", "s3cret\n");
 * ```
 */
export async function writePrivateFile(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${newSecret(6)}.tmp`;
  try {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    await Deno.writeFile(tmp, bytes, { mode: 0o600, createNew: true });
    await Deno.chmod(tmp, 0o600); // exact, whatever the umask left of it
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

function digest(value: string | Uint8Array): Uint8Array {
  return createHash("sha256").update(value).digest();
}

function toBase64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
