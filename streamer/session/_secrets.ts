/**
 * The session secret: read from the session folder, or made there (0600) when absent.
 *
 * @module
 */
import { join } from "node:path";
import { newSecret, writePrivateFile } from "../../secrets.ts";

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
  const token = newSecret();
  if (dir) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    await writePrivateFile(join(dir, "token"), token + "\n");
  }
  return token;
}
