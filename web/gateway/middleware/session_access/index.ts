/**
 * Access to `/s/<session>/...`: validates the session id, turns a `?token=` capability (owner or
 * view-only share) into an httpOnly SameSite=Strict cookie scoped to the session folder, and
 * otherwise admits the cookie holder or the signed-in owner. Sets `c.var.session` and `c.var.access`.
 * Bad tokens and cookies count per client and session: a client that sent too many gets 429 for further bad
 * ones, while valid credentials always pass (tokens and grants are 256-bit, so checking them is safe).
 *
 * @module
 */
import { createMiddleware } from "hono/factory";
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { SESSION_ID_PATTERN } from "../../../../protocol/tunnel.ts";
import { TOKEN_PARAM } from "../../../../jobs/session_link.ts";
import { capabilityLogin } from "../../../access/mod.ts";
import type { GatewayEnv } from "../../_env.ts";
import type { SessionRegistry } from "../../registry.ts";
import { failureKey, type FailureLimiter, tooManyFailures } from "../rate_limit/index.ts";

/** Options for {@linkcode sessionAccess}. */
export interface SessionAccessOptions {
  /** Where sessions, shares and grants live. */
  registry: SessionRegistry;
  /** Whether a signed-in user is required (header/basic auth): then the owner must be that user. */
  requireUser: boolean;
  /** Counts bad credentials per client and session. */
  limiter: FailureLimiter;
  /** Called for every refused attempt (metrics, log); never given the token. */
  onFailure: (ip: string, why: string) => void;
  /** Lifetime of the cookie grant, ms. @default {43200000} */
  grantTtlMs?: number;
}

/** Name of the grant cookie (scoped by path to one session). */
export const GRANT_COOKIE = "selkies_gw";

/**
 * Authorizes requests under `/s/:session/`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { sessionAccess } from "./index.ts";
 * import { FailureLimiter } from "../rate_limit/index.ts";
 * import type { GatewayEnv } from "../../_env.ts";
 * import type { SessionRegistry } from "../../registry.ts";
 * declare const registry: SessionRegistry;
 * const limiter = new FailureLimiter();
 * const onFailure = (ip: string, why: string) => console.warn(ip, why);
 * const app = new Hono<GatewayEnv>();
 * app.use("/s/:session/*", sessionAccess({ registry, requireUser: false, limiter, onFailure }));
 * ```
 */
export function sessionAccess(options: SessionAccessOptions): MiddlewareHandler<GatewayEnv> {
  const { registry, limiter } = options;
  const ttl = options.grantTtlMs ?? 12 * 3600_000;
  return createMiddleware<GatewayEnv>(async function sessionAccess(c, next) {
    const id = c.req.param("session") ?? "";
    if (!SESSION_ID_PATTERN.test(id)) {
      options.onFailure(c.get("ip"), "invalid session id");
      return c.text("invalid session id\n", 400);
    }
    const entry = registry.get(id);
    if (!entry) return c.text("no such session (it may have ended, or its streamer is reconnecting)\n", 404);
    const user = c.get("user");
    const key = failureKey(c.get("ip"), `session:${id}`);
    /** Refuses; `badCredential` counts towards the client's limit for this session (429 once used up). */
    const refuse = (why: string, badCredential = false) => {
      options.onFailure(c.get("ip"), why);
      if (badCredential) {
        const wait = limiter.retryAfter(key);
        if (wait > 0) return tooManyFailures(wait);
        limiter.fail(key);
      }
      return c.text("not authorized: open this session's link again\n", user ? 403 : 401);
    };
    const token = c.req.query(TOKEN_PARAM);
    if (token !== undefined) {
      const access = registry.checkToken(entry, token);
      if (!access) return refuse("wrong token", true);
      if (options.requireUser && (!user || (!access.viewOnly && user !== entry.reg.user))) {
        return refuse("token used by another user");
      }
      return capabilityLogin(c, { name: GRANT_COOKIE, value: registry.grant(id, { ...access, user }, ttl) });
    }
    const cookie = getCookie(c, GRANT_COOKIE);
    let access = registry.resolve(id, cookie);
    if (access && options.requireUser && access.user !== user) access = undefined;
    if (!access && user && user === entry.reg.user) access = { viewOnly: false, user };
    if (!access) {
      if (user) return refuse("not the session owner");
      return cookie ? refuse("unknown or expired cookie", true) : refuse("no token or cookie");
    }
    c.set("session", entry);
    c.set("access", access);
    await next();
  });
}
