/**
 * The origin check, so another site cannot ride a viewer's cookie: WebSocket upgrades and state-changing
 * requests (anything but GET, HEAD, OPTIONS) must come from the server's own origin (the `Host` the browser
 * connected to, or the first `X-Forwarded-Host` a proxy such as Open OnDemand's passed on) or a configured
 * one. Reads pass: a cross-site page can link to them, never read them.
 *
 * A browser always sends `Origin` on these requests. A request without one is not from a browser (nor from a
 * cross-site page) and passes, to meet its credential check; a server whose WebSocket clients are all browsers
 * (the gateway's relay) may refuse such upgrades too.
 *
 * @module
 */
import type { Context, Env, MiddlewareHandler } from "hono";

/** Options for {@linkcode checkOrigin} and {@linkcode originAllowed}. */
export interface OriginOptions<E extends Env = Env> {
  /** Origins accepted besides the request's own host, e.g. `https://gw.example.org`. @default {[]} */
  allowed?: string[];
  /** Every WebSocket client is a browser: refuse an upgrade that has no `Origin`. @default {false} */
  browserWebSocketsOnly?: boolean;
  /** Called for each refused request, with its `Origin` (for the log and failure counts). */
  onRefused?: (c: Context<E>, origin: string | null) => void;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses cross-origin WebSocket upgrades and state-changing requests with 403.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { checkOrigin } from "./origin.ts";
 * const app = new Hono().use("*", checkOrigin()).post("/share", (c) => c.text("shared"));
 * (await app.request("/share", { method: "POST", headers: { origin: "https://evil.example" } })).status; // 403
 * ```
 */
export function checkOrigin<E extends Env = Env>(options: OriginOptions<E> = {}): MiddlewareHandler<E> {
  const allowed = (options.allowed ?? []).map((o) => new URL(o).origin); // a bad entry fails at start
  return async function checkOrigin(c, next) {
    const upgrade = isUpgrade(c.req.raw);
    if ((upgrade || !SAFE_METHODS.has(c.req.method)) && !originAllowed(c.req.raw, { ...options, allowed })) {
      options.onRefused?.(c, c.req.header("origin") ?? null);
      return c.text(upgrade ? "cross-origin WebSocket refused\n" : "cross-origin request refused\n", 403);
    }
    await next();
  };
}

/**
 * Whether a request's `Origin` may make it (the module's rule), whatever its method; {@linkcode checkOrigin}
 * asks this of upgrades and state-changing requests.
 *
 * @example
 * ```ts
 * import { originAllowed } from "./origin.ts";
 * const request = new Request("http://node:8080/ws", { headers: { origin: "http://node:8080", host: "node:8080" } });
 * originAllowed(request); // true
 * ```
 */
export function originAllowed(
  request: Request,
  options: Pick<OriginOptions, "allowed" | "browserWebSocketsOnly"> = {},
): boolean {
  const origin = request.headers.get("origin");
  if (origin === null) {
    // Not a browser; or a browser that still says the request is cross-site.
    if (options.browserWebSocketsOnly && isUpgrade(request)) return false;
    return request.headers.get("sec-fetch-site") !== "cross-site";
  }
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file: pages) and garbage
  }
  if ((options.allowed ?? []).some((o) => new URL(o).origin === url.origin)) return true;
  const host = request.headers.get("host") ?? new URL(request.url).host;
  const forwarded = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  return [host, forwarded].some((h) => h !== undefined && h.toLowerCase() === url.host.toLowerCase());
}

function isUpgrade(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}
