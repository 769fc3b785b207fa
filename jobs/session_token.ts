/**
 * A session's secret lives in one 0600 file, `<session dir>/token`: written when the CLI or the gateway
 * makes the folder (jobs/record.ts), made by the streamer when a job script started it without one, and
 * read back to rebuild the owner's link (jobs/session_link.ts). Its name and format are decided here only.
 *
 * @module
 */
import { join } from "node:path";
import { newSecret, writePrivateFile } from "../secrets.ts";

/** Name of the secret's file inside a session folder. */
export const TOKEN_FILE = "token";

/** Shorter contents are not a secret we made (256 bits, base64url, is 43 characters). */
const MIN_TOKEN_CHARS = 16;

/**
 * Writes `token` as the folder's secret (mode 0600, atomically).
 *
 * @example
 * ```ts
 * import { writeSessionToken } from "./session_token.ts";
 * const dir = await Deno.makeTempDir();
 * await writeSessionToken(dir, "a-secret-of-at-least-16-chars");
 * ```
 */
export async function writeSessionToken(dir: string, token: string): Promise<void> {
  await writePrivateFile(join(dir, TOKEN_FILE), token + "\n");
}

/**
 * The folder's secret, or undefined when the file is missing or does not hold one.
 *
 * @example
 * ```ts
 * import { readSessionToken } from "./session_token.ts";
 * const token = await readSessionToken("/home/ada/.local/share/selkies-hpc/sessions/x");
 * ```
 */
export async function readSessionToken(dir: string): Promise<string | undefined> {
  try {
    const token = (await Deno.readTextFile(join(dir, TOKEN_FILE))).trim();
    return token.length >= MIN_TOKEN_CHARS ? token : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Reads the folder's secret, or makes one there (256 random bits, 0600; the folder 0700) when absent.
 * Without a folder a fresh in-memory secret is returned.
 *
 * @example
 * ```ts
 * import { loadOrCreateToken } from "./session_token.ts";
 * const token = await loadOrCreateToken(await Deno.makeTempDir());
 * ```
 */
export async function loadOrCreateToken(dir: string | undefined): Promise<string> {
  const existing = dir ? await readSessionToken(dir) : undefined;
  if (existing) return existing;
  const token = newSecret();
  if (dir) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    await writeSessionToken(dir, token);
  }
  return token;
}
