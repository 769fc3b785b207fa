/**
 * The browser client's three files (`index.html`, `client.js`, `styles.css`), served the same way by the
 * streamer (at any prefix) and by the gateway (under `/s/<session>/`). The page uses relative URLs (`./ws`),
 * so any prefix works. Only this fixed list is served: no name can reach another file.
 *
 * @module
 */
import { join } from "node:path";
import { CLIENT_DIR, clientBundle } from "../client/bundle.ts";
import { escapeHtml } from "./html.ts";

/** Options for {@linkcode clientFiles}. */
export interface ClientFilesOptions {
  /** Folder of the client sources. @default {CLIENT_DIR (web/client of this installation)} */
  clientDir?: string;
  /** Page title, e.g. the session's name (escaped here). @default {"selkies-hpc"} */
  title?: string;
}

const TYPES: Record<string, string> = {
  "": "text/html; charset=utf-8",
  "client.js": "text/javascript; charset=utf-8",
  "styles.css": "text/css; charset=utf-8",
};

/**
 * Returns a function that answers the client file named by a URL's last path segment (`""` for the page,
 * `client.js`, `styles.css`), or `undefined` for any other name. The bundle is built on first use when
 * missing or stale ({@linkcode clientBundle}); a build failure rejects with its `ClientBuildError`.
 *
 * @example
 * ```ts
 * import { clientFiles } from "./client_files.ts";
 * const file = clientFiles({ title: "ada's desktop" });
 * (await file("index.php")) === undefined; // true
 * ```
 */
export function clientFiles(
  options: ClientFilesOptions = {},
): (name: string) => Promise<Response | undefined> {
  const dir = options.clientDir ?? CLIENT_DIR;
  const title = escapeHtml(options.title ?? "selkies-hpc");
  let page: Promise<string> | undefined;
  return async function clientFile(name) {
    if (!Object.hasOwn(TYPES, name)) return undefined;
    const headers = { "content-type": TYPES[name] };
    if (name === "") {
      if (!page) {
        page = Deno.readTextFile(join(dir, "index.html"))
          .then((html) => html.replace(/<title>[^<]*<\/title>/, `<title>${title}</title>`));
        page.catch(() => page = undefined); // a failed read is tried again next time
      }
      return new Response(await page, { headers });
    }
    const path = name === "client.js" ? await clientBundle(dir) : join(dir, name);
    return new Response(await Deno.readFile(path), { headers });
  };
}
