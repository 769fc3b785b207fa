/**
 * The browser client's bundle (`dist/client.js`), built with `deno bundle` on first use when it is missing or
 * older than the client's or the protocol's sources: one rule for the streamer's server, the gateway and
 * `scripts/deno task bundle` (build.ts). A read-only install gets a private copy in a temp folder.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SelkiesError } from "../../errors.ts";
import { getLog } from "../../log.ts";

const log = getLog("client");

/** This folder: the client sources (`index.html`, `styles.css`, `main.ts`) the servers use by default. */
export const CLIENT_DIR: string = fileURLToPath(new URL(".", import.meta.url));

/**
 * The client bundle could not be built; the page cannot load without it. Exit code 2.
 *
 * @example
 * ```ts
 * import { ClientBuildError } from "./bundle.ts";
 * throw new ClientBuildError("deno bundle failed: web/client/main.ts:3: unexpected token");
 * ```
 */
export class ClientBuildError extends SelkiesError {
  constructor(message: string, options?: ErrorOptions) {
    super(`${message} (run \`scripts/deno task bundle\` to see the full error)`, 2, options);
  }
}

const builds = new Map<string, Promise<string>>();

/**
 * Returns the path of an up-to-date `client.js` for the client sources in `clientDir`, building it when it is
 * missing or stale (once per folder and process; a failed build is tried again on the next call). Rejects
 * with {@linkcode ClientBuildError} when `deno bundle` fails.
 *
 * @example
 * ```ts
 * import { CLIENT_DIR, clientBundle } from "./bundle.ts";
 * const path = await clientBundle(CLIENT_DIR); // ".../web/client/dist/client.js"
 * ```
 */
export function clientBundle(clientDir: string): Promise<string> {
  let build = builds.get(clientDir);
  if (!build) {
    build = ensure(clientDir);
    // A failed build is retried on the next request instead of being cached forever.
    build.catch(() => builds.delete(clientDir));
    builds.set(clientDir, build);
  }
  return build;
}

async function ensure(clientDir: string): Promise<string> {
  const target = join(clientDir, "dist", "client.js");
  const built = await mtime(target);
  const entry = await mtime(join(clientDir, "main.ts"));
  if (entry === undefined && built === undefined) {
    throw new ClientBuildError(`no client sources in ${clientDir}`);
  }
  const sources = Math.max(await newest(clientDir), await newest(join(clientDir, "..", "..", "protocol")));
  if (built !== undefined && built >= sources) return target;
  try {
    await Deno.mkdir(join(clientDir, "dist"), { recursive: true });
    await bundle(clientDir, target);
    return target;
  } catch (error) {
    if (!(error instanceof Deno.errors.PermissionDenied || (error as { code?: string }).code === "EROFS")) {
      throw error;
    }
    // A read-only install (shared software tree): keep a private copy instead.
    const dir = await Deno.makeTempDir({ prefix: "selkies-client-" });
    await bundle(clientDir, join(dir, "client.js"));
    return join(dir, "client.js");
  }
}

async function bundle(clientDir: string, target: string): Promise<void> {
  const partial = `${target}.${Deno.pid}.tmp`;
  log.info("building the browser client bundle");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform=browser", "--minify", "-o", partial, join(clientDir, "main.ts")],
    cwd: clientDir,
    env: { DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    await Deno.remove(partial).catch(() => {});
    const detail = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join(" ");
    throw new ClientBuildError(`deno bundle failed: ${detail}`);
  }
  // Rename is atomic: a concurrent reader sees the old bundle or the new one, never half of one.
  await Deno.rename(partial, target);
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).mtime?.getTime();
  } catch {
    return undefined;
  }
}

async function newest(dir: string): Promise<number> {
  let latest = 0;
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name === "dist" || entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory) latest = Math.max(latest, await newest(path));
      else if (entry.name.endsWith(".ts")) latest = Math.max(latest, (await mtime(path)) ?? 0);
    }
  } catch {
    // A missing folder simply has no sources.
  }
  return latest;
}
