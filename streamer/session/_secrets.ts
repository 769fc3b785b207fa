/**
 * The session secret and the ready file: both private to the job owner (0600).
 *
 * @module
 */
import { join } from "node:path";
import { Buffer } from "node:buffer";

const encodeBase64Url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

/**
 * Reads `<dir>/token`, or creates it (256 random bits, mode 0600) when absent.
 * Without a folder a fresh in-memory secret is returned.
 */
export async function loadOrCreateToken(dir: string | undefined): Promise<string> {
  if (dir) {
    try {
      const token = (await Deno.readTextFile(join(dir, "token"))).trim();
      if (token.length >= 16) return token;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  const token = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  if (dir) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    await writePrivateFile(join(dir, "token"), token + "\n");
  }
  return token;
}

/** Writes a file readable only by its owner, atomically (temp file + rename). */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temp, text, { mode: 0o600 });
  await Deno.chmod(temp, 0o600);
  await Deno.rename(temp, path);
}

/** SHA-256 of the secret, base64url: what the gateway keeps instead of the secret. */
export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return encodeBase64Url(new Uint8Array(digest));
}
