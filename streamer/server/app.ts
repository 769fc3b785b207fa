/**
 * The streamer's HTTP app: the browser client, its authentication, and the viewer WebSocket.
 * Routes match by the last path segment, so the same app works at `/`, behind a proxy that strips a
 * prefix (Open OnDemand `/rnode/<host>/<port>/`) and behind one that keeps it (`/node/<host>/<port>/`).
 *
 * @module
 */
import { Hono } from "hono";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getLog } from "../../log.ts";
import { type Access, authKeys, readCookie, sameOrigin } from "./_auth.ts";
import { clientBundle } from "./_client_bundle.ts";
import { escapeHtml, page, unauthorized } from "./_pages.ts";
import { type ViewerSocket, wrapWebSocket } from "./viewer_socket.ts";

const log = getLog("server");

/** Who a viewer is, as far as the server knows. */
export interface ViewerInfo {
  /** True when the viewer authenticated with the view-only secret: ignore its input. */
  viewOnly: boolean;
  /** Peer address (`ip:port`, or the forwarded client address `via` the proxy), for logs. */
  remote: string;
}

/** Options of {@linkcode createStreamerApp}. */
export interface StreamerAppOptions {
  /** The session secret: `?token=<secret>` on the page URL, or `Authorization: Bearer <secret>`. */
  token: string;
  /** An optional second secret granting view-only access. */
  viewOnlyToken?: string;
  /** Called once per opened viewer WebSocket; the socket is already open. */
  viewer: (socket: ViewerSocket, info: ViewerInfo) => void;
  /** Folder of the client sources (`index.html`, `styles.css`, `main.ts`). @default {"web/client" of this repository} */
  clientDir?: string;
  /** Page title (e.g. the session name). @default {"selkies-hpc"} */
  title?: string;
}

const DEFAULT_CLIENT_DIR = fileURLToPath(new URL("../../web/client/", import.meta.url));

/**
 * Creates the Hono app serving one streaming session.
 *
 * @example
 * ```ts
 * import { createStreamerApp } from "./app.ts";
 * const app = createStreamerApp({
 *   token: "s3cret",
 *   viewer: (socket) => socket.send(JSON.stringify({ t: "error", message: "no desktop yet" })),
 * });
 * (await app.request("/healthz")).status; // 200
 * ```
 */
export function createStreamerApp(options: StreamerAppOptions): Hono {
  const keys = authKeys(options.token, options.viewOnlyToken);
  const clientDir = options.clientDir ?? DEFAULT_CLIENT_DIR;
  const title = escapeHtml(options.title ?? "selkies-hpc");
  let indexHtml: Promise<string> | undefined;

  const access = (request: Request): Access => {
    const bearer = request.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
    return keys.check(bearer) ?? keys.checkCookie(readCookie(request.headers.get("cookie"), keys.cookieName));
  };

  const app = new Hono();
  app.onError((error) => {
    log.error("request failed: {error}", { error });
    return page("internal error\n", 500, { "content-type": "text/plain; charset=utf-8" });
  });
  app.all("*", async (c) => {
    const request = c.req.raw;
    const url = new URL(request.url);
    const segment = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
    if (segment === "healthz") return page("ok\n", 200, { "content-type": "text/plain; charset=utf-8" });
    if (segment === "" && url.searchParams.has("token")) return login(request, url);
    if (segment !== "" && !segment.includes(".") && segment !== "ws") {
      // `<prefix>` without its trailing slash: relative asset URLs need the slash.
      return page(null, 308, { location: `${encodeURIComponent(segment)}/${url.search}` });
    }
    const granted = access(request);
    if (!granted) return unauthorized();
    switch (segment) {
      case "":
        indexHtml ??= Deno.readTextFile(join(clientDir, "index.html"))
          .then((html) => html.replace(/<title>[^<]*<\/title>/, `<title>${title}</title>`));
        return page(await indexHtml, 200, { "content-type": "text/html; charset=utf-8" });
      case "client.js":
        return page(await Deno.readFile(await clientBundle(clientDir)), 200, {
          "content-type": "text/javascript; charset=utf-8",
        });
      case "styles.css":
        return page(await Deno.readFile(join(clientDir, "styles.css")), 200, {
          "content-type": "text/css; charset=utf-8",
        });
      case "ws":
        return upgrade(request, granted, remoteOf(request, c.env));
      default:
        return page("not found\n", 404, { "content-type": "text/plain; charset=utf-8" });
    }
  });

  function login(request: Request, url: URL): Response {
    const granted = keys.check(url.searchParams.get("token") ?? undefined);
    if (!granted) return unauthorized();
    url.searchParams.delete("token");
    const secure = url.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
    // No Path attribute: the browser scopes the cookie to the folder of the URL *it* sees, which is right
    // whether or not a proxy stripped a prefix.
    const cookie = `${keys.cookieName}=${keys.cookieValue(granted)}; HttpOnly; SameSite=Strict${
      secure ? "; Secure" : ""
    }`;
    const location = `./${url.search}`;
    const site = request.headers.get("sec-fetch-site");
    if (site === null || site === "none" || site === "same-origin") {
      return page(null, 303, { location, "set-cookie": cookie });
    }
    // Arrived from another site (a link in mail or chat): a SameSite=Strict cookie is withheld along an HTTP
    // redirect chain started cross-site, so navigate from this page instead.
    const body = `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${
      escapeHtml(location)
    }"><title>${title}</title><a href="${escapeHtml(location)}">Continue</a>`;
    return page(body, 200, { "content-type": "text/html; charset=utf-8", "set-cookie": cookie });
  }

  function upgrade(request: Request, granted: "control" | "view", remote: string): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return page("expected a WebSocket upgrade\n", 426, { "content-type": "text/plain; charset=utf-8" });
    }
    if (!sameOrigin(request)) {
      log.warn("refused a cross-origin WebSocket from {remote}", { remote });
      return page("cross-origin WebSocket refused\n", 403, { "content-type": "text/plain; charset=utf-8" });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.addEventListener("open", () => {
      log.info("viewer connected from {remote}", { remote, viewOnly: granted === "view" });
      try {
        options.viewer(wrapWebSocket(socket), { viewOnly: granted === "view", remote });
      } catch (error) {
        log.error("viewer handler failed: {error}", { error });
        socket.close(1011, "internal error");
      }
    });
    return response;
  }

  return app;
}

function remoteOf(request: Request, env: unknown): string {
  const addr = (env as { remoteAddr?: Deno.Addr } | undefined)?.remoteAddr;
  const peer = !addr ? "unknown" : "hostname" in addr ? `${addr.hostname}:${addr.port}` : addr.transport;
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded ? `${forwarded} via ${peer}` : peer;
}
