/**
 * The streamer's HTTP app: the browser client, its authentication, and the viewer WebSocket.
 * Routes match by the last path segment, so the same app works at `/`, behind a proxy that strips a
 * prefix (Open OnDemand `/rnode/<host>/<port>/`) and behind one that keeps it (`/node/<host>/<port>/`).
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import { TOKEN_PARAM } from "../../jobs/session_link.ts";
import { getLog } from "../../log.ts";
import { browserHeaders, capabilityLogin, checkOrigin, clientFiles } from "../../web/access/mod.ts";
import { type Access, authKeys } from "./_auth.ts";
import { unauthorized } from "./_pages.ts";
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
  /** Folder of the client sources (`index.html`, `styles.css`, `main.ts`). @default {CLIENT_DIR (web/client/bundle.ts)} */
  clientDir?: string;
  /** Page title (e.g. the session name). @default {"selkies-hpc"} */
  title?: string;
  /** Renders `<prefix>/metrics` (Prometheus text; same credentials as the page); absent: 404. */
  metrics?: () => string;
}

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
  const title = options.title ?? "selkies-hpc";
  const clientFile = clientFiles({ clientDir: options.clientDir, title });

  // A non-browser client may show the secret as a bearer token; a browser has the cookie from its link.
  const access = (c: Context): Access => {
    const bearer = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
    return keys.check(bearer) ?? keys.checkCookie(getCookie(c, keys.cookieName));
  };

  const app = new Hono();
  app.onError((error, c) => {
    log.error("request failed: {error}", { error });
    return c.text("internal error\n", 500);
  });
  app.use(
    "*",
    browserHeaders(),
    checkOrigin({
      onRefused: (c) => log.warn("refused a cross-origin request from {remote}", { remote: remoteOf(c) }),
    }),
  );
  app.all("*", async (c) => {
    const url = new URL(c.req.url);
    const segment = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
    if (segment === "healthz") return c.text("ok\n");
    if (segment === "" && url.searchParams.has(TOKEN_PARAM)) {
      const granted = keys.check(url.searchParams.get(TOKEN_PARAM) ?? undefined);
      if (!granted) return unauthorized();
      return capabilityLogin(c, { name: keys.cookieName, value: keys.cookieValue(granted) }, { title });
    }
    if (segment !== "" && !segment.includes(".") && segment !== "ws" && segment !== "metrics") {
      // `<prefix>` without its trailing slash: relative asset URLs need the slash.
      return c.body(null, 308, { location: `${encodeURIComponent(segment)}/${url.search}` });
    }
    const granted = access(c);
    if (!granted) return unauthorized();
    if (segment === "ws") return upgrade(c.req.raw, granted, remoteOf(c));
    if (segment === "metrics" && options.metrics) {
      return c.body(options.metrics(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
    }
    return await clientFile(segment) ?? c.text("not found\n", 404);
  });

  function upgrade(request: Request, granted: "control" | "view", remote: string): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade\n", { status: 426 });
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

function remoteOf(c: Context): string {
  const addr = (c.env as { remoteAddr?: Deno.Addr } | undefined)?.remoteAddr;
  const peer = !addr ? "unknown" : "hostname" in addr ? `${addr.hostname}:${addr.port}` : addr.transport;
  const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded ? `${forwarded} via ${peer}` : peer;
}
