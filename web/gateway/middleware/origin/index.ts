/**
 * Origin check for WebSocket upgrades: a browser always sends `Origin`, and only the gateway's own
 * origin (or a configured one) may open a socket, so another site cannot ride a viewer's cookie.
 *
 * @module
 */
import { createMiddleware } from "hono/factory";
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../../_env.ts";

/** Options for {@linkcode checkOrigin}. */
export interface OriginOptions {
  /** Origins accepted besides the request's own host, e.g. `https://gw.example.org`. @default {[]} */
  allowed?: string[];
  /** Called when a request is refused, with its `Origin` and client address. */
  onRefused?: (origin: string | null, ip: string) => void;
}

/**
 * Refuses WebSocket upgrades and state-changing requests (POST, DELETE) from other origins with 403;
 * reads pass.
 *
 * @example
 * ```ts ignore
 * app.use("/s/*", checkOrigin({ allowed: ["https://gw.example.org"] }));
 * ```
 */
export function checkOrigin(options: OriginOptions = {}): MiddlewareHandler<GatewayEnv> {
  const allowed = new Set((options.allowed ?? []).map((o) => new URL(o).origin));
  return createMiddleware<GatewayEnv>(async function checkOrigin(c, next) {
    const origin = c.req.header("origin") ?? null;
    if (c.req.header("upgrade")?.toLowerCase() === "websocket") {
      if (!originAllowed(origin, c.req.header("host"), allowed)) {
        options.onRefused?.(origin, c.get("ip"));
        return c.text("cross-origin WebSocket refused\n", 403);
      }
    } else if (
      !SAFE_METHODS.has(c.req.method) && (origin || c.req.header("sec-fetch-site") === "cross-site")
    ) {
      // Forms (launch, cancel, share) carry basic-auth or cookie credentials: refuse cross-site posts.
      if (!originAllowed(origin, c.req.header("host"), allowed)) {
        options.onRefused?.(origin, c.get("ip"));
        return c.text("cross-origin request refused\n", 403);
      }
    }
    await next();
  });
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function originAllowed(origin: string | null, host: string | undefined, allowed: Set<string>): boolean {
  if (!origin) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return allowed.has(url.origin) || (host !== undefined && url.host === host);
}
