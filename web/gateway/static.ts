/**
 * The browser client's files, served by the gateway under `/s/<session>/` so that only the
 * WebSocket is relayed through the tunnel. The page uses relative URLs (`./ws`), so any prefix works.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Default folder of the client (`index.html`, `styles.css`, `dist/client.js`). */
export const DEFAULT_CLIENT_DIR = fileURLToPath(new URL("../client", import.meta.url));

const FILES: Record<string, { path: string; type: string }> = {
  "": { path: "index.html", type: "text/html; charset=utf-8" },
  "client.js": { path: "dist/client.js", type: "text/javascript; charset=utf-8" },
  "styles.css": { path: "styles.css", type: "text/css; charset=utf-8" },
};

/** Headers on every page the gateway serves. */
export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' " +
    "'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; " +
    "worker-src 'self' blob:; frame-ancestors 'self'; base-uri 'none'; object-src 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

/**
 * Returns the client file named by the last path segment (`""`, `client.js`, `styles.css`), or
 * `undefined` for any other name: only a fixed list is served, so no path can escape the folder.
 *
 * @example
 * ```ts ignore
 * import { clientFile } from "./static.ts";
 * const response = await clientFile("web/client", "client.js");
 * ```
 */
export async function clientFile(clientDir: string, name: string): Promise<Response | undefined> {
  const file = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
  if (!file) return undefined;
  try {
    const body = await Deno.readFile(join(clientDir, file.path));
    return new Response(body, { headers: { ...SECURITY_HEADERS, "content-type": file.type } });
  } catch {
    return new Response(`client file ${file.path} missing: run \`scripts/deno task bundle\`\n`, {
      status: 503,
    });
  }
}

/**
 * Builds the client bundle when `dist/client.js` is missing, with the project's bundle script.
 *
 * @example
 * ```ts ignore
 * import { ensureClientBundle } from "./static.ts";
 * await ensureClientBundle("web/client");
 * ```
 */
export async function ensureClientBundle(clientDir: string): Promise<boolean> {
  const target = join(clientDir, "dist", "client.js");
  if (await Deno.stat(target).then(() => true, () => false)) return true;
  const build = join(clientDir, "build.ts");
  if (!await Deno.stat(build).then(() => true, () => false)) return false;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", build],
    stdout: "null",
    stderr: "piped",
  })
    .output();
  return out.success;
}
