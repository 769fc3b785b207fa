// The X cookie file: a fresh random MIT-MAGIC-COOKIE written through xauth's stdin (never argv).
import { writePrivateFile } from "../../secrets.ts";

/** Creates `dir` (and parents) if missing and makes sure only its owner can enter it. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await Deno.stat(dir);
  if (info.uid !== Deno.uid()) throw new Error(`${dir} belongs to another user`);
  if ((info.mode! & 0o077) !== 0) await Deno.chmod(dir, 0o700);
}

/**
 * Writes a 0600 cookie file the server can read before its number is known; `bind` then adds the
 * entry clients look up (`<host>/unix:<n>`). The server accepts every cookie in its -auth file.
 */
export async function writeCookie(path: string): Promise<{ bind(display: number): Promise<void> }> {
  const cookie = Array.from(
    crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
  await writePrivateFile(path, ""); // empty until xauth adds the entries
  const xauth = async (display: string) => {
    const child = new Deno.Command("xauth", {
      args: ["-q", "-f", path, "source", "-"],
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(`add ${display} MIT-MAGIC-COOKIE-1 ${cookie}\n`));
    await writer.close();
    const out = await child.output();
    if (!out.success) throw new Error(`xauth failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  };
  // A placeholder entry (display 65535) carries the cookie to the server; clients use the bound one.
  await xauth(":65535");
  return { bind: (display) => xauth(`:${display}`) };
}
