/**
 * Who is asking, by address: the TCP peer, unless the peer is a configured trusted proxy (nginx/Apache
 * in front of the gateway), in which case the client it forwarded for. Failure counting keys on this, so
 * behind a proxy one stranger's failures are their own and not the whole site's.
 *
 * @module
 */
import { createMiddleware } from "hono/factory";
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../../_env.ts";

/** Options for {@linkcode clientIp}. */
export interface ClientIpOptions {
  /** Addresses of the proxies whose `X-Forwarded-For` is believed; others' is ignored. @default {[]} */
  trustedProxies?: string[];
}

/**
 * The client address of one request: `peer` itself, or, when `peer` is trusted, the right-most
 * `X-Forwarded-For` entry that is not a trusted proxy (entries further left were written by the client and
 * prove nothing).
 *
 * @example
 * ```ts
 * import { clientAddress } from "./index.ts";
 * const trusted = new Set(["10.0.0.1"]);
 * clientAddress("10.0.0.1", "198.51.100.7, 203.0.113.5", trusted); // "203.0.113.5"
 * clientAddress("192.0.2.9", "203.0.113.5", trusted); // "192.0.2.9": not a trusted proxy
 * ```
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, trusted: Set<string>): string {
  if (!trusted.has(peer) || !forwardedFor) return peer;
  const hops = forwardedFor.split(",").map((hop) => hop.trim()).filter(Boolean);
  let client = peer;
  while (hops.length && trusted.has(client)) client = hops.pop()!;
  return client;
}

/**
 * Sets `c.var.ip` to the request's client address (see {@linkcode clientAddress}).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { clientIp } from "./index.ts";
 * import type { GatewayEnv } from "../../_env.ts";
 * const app = new Hono<GatewayEnv>();
 * app.use("*", clientIp({ trustedProxies: ["127.0.0.1"] }));
 * ```
 */
export function clientIp(options: ClientIpOptions = {}): MiddlewareHandler<GatewayEnv> {
  const trusted = new Set(options.trustedProxies ?? []);
  return createMiddleware<GatewayEnv>(async function clientIp(c, next) {
    c.set(
      "ip",
      clientAddress(c.env?.remoteAddr?.hostname ?? "unknown", c.req.header("x-forwarded-for"), trusted),
    );
    await next();
  });
}
