/**
 * The security headers of every HTTP response a browser gets from selkies-hpc, the streamer's own server and
 * the gateway alike: one Content-Security-Policy for the client page and the gateway's portal, Hono's
 * `secureHeaders` for the rest, and `Cache-Control: no-store` (pages carry per-session state and may be
 * reached through capability links).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/** Content-Security-Policy directives, as Hono's `secureHeaders` takes them. */
export type ContentSecurityPolicy = NonNullable<
  NonNullable<Parameters<typeof secureHeaders>[0]>["contentSecurityPolicy"]
>;

/**
 * The one Content-Security-Policy: only this origin's scripts, styles and connections (`'self'` covers the
 * page's own `ws:`/`wss:`); cursor images arrive as `data:` URLs and WebRTC video may be a `blob:`; WebAssembly
 * may compile (decoders); forms post only to this origin (the portal's launch, cancel and share buttons).
 *
 * @example
 * ```ts
 * import { CONTENT_SECURITY_POLICY } from "./headers.ts";
 * CONTENT_SECURITY_POLICY.defaultSrc; // ["'self'"]
 * ```
 */
export const CONTENT_SECURITY_POLICY: Readonly<ContentSecurityPolicy> = Object.freeze({
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:", "blob:"],
  mediaSrc: ["'self'", "blob:"],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", "blob:"],
  frameAncestors: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  objectSrc: ["'none'"],
});

/**
 * Adds the security headers to every response except WebSocket upgrades (a `101` carries no page).
 * `Strict-Transport-Security` is left to whoever terminates TLS (the site's proxy or Open OnDemand): set by
 * a compute node's server it would pin a whole site's subdomains.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { browserHeaders } from "./headers.ts";
 * const app = new Hono().use("*", browserHeaders()).get("/", (c) => c.text("ok"));
 * (await app.request("/")).headers.get("x-content-type-options"); // "nosniff"
 * ```
 */
export function browserHeaders(): MiddlewareHandler {
  const secure = secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    strictTransportSecurity: false,
  });
  return async function browserHeaders(c, next) {
    if (c.req.header("upgrade")?.toLowerCase() === "websocket") return await next();
    await secure(c, next);
    c.res.headers.set("cache-control", "no-store");
  };
}
