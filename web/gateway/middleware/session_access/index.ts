/**
 * Access to `/s/<session>/...`: validates the session id, turns a `?token=` capability (owner or
 * view-only share) into an httpOnly SameSite=Strict cookie scoped to the session folder, and
 * otherwise admits the cookie holder or the signed-in owner. Sets `c.var.session` and `c.var.access`.
 *
 * @module
 */
import { createMiddleware } from "hono/factory";
import type { MiddlewareHandler } from "hono";
import { SESSION_ID_PATTERN } from "../../../../protocol/tunnel.ts";
import type { GatewayEnv } from "../../_env.ts";
import type { SessionRegistry } from "../../registry.ts";

/** Options for {@linkcode sessionAccess}. */
export interface SessionAccessOptions {
  /** Where sessions, shares and grants live. */
  registry: SessionRegistry;
  /** Whether a signed-in user is required (header/basic auth): then the owner must be that user. */
  requireUser: boolean;
  /** Called for every refused attempt (rate limiting, metrics, log); never given the token. */
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
 * ```ts ignore
 * app.use("/s/:session/*", sessionAccess({ registry, requireUser: false, onFailure }));
 * ```
 */
export function sessionAccess(options: SessionAccessOptions): MiddlewareHandler<GatewayEnv> {
  const { registry } = options;
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
    const refuse = (why: string) => {
      options.onFailure(c.get("ip"), why);
      return c.text("not authorized: open this session's link again\n", user ? 403 : 401);
    };
    const token = c.req.query("token");
    if (token !== undefined) {
      const access = registry.checkToken(entry, token);
      if (!access) return refuse("wrong token");
      if (options.requireUser && (!user || (!access.viewOnly && user !== entry.reg.user))) {
        return refuse("token used by another user");
      }
      const cookie = `${GRANT_COOKIE}=${
        registry.grant(id, { ...access, user }, ttl)
      }; HttpOnly; SameSite=Strict${isHttps(c.req.raw) ? "; Secure" : ""}`;
      const url = new URL(c.req.url);
      url.searchParams.delete("token");
      const location = `./${url.search}`;
      const site = c.req.header("sec-fetch-site");
      if (site === undefined || site === "none" || site === "same-origin") {
        return c.body(null, 303, { location, "set-cookie": cookie, "cache-control": "no-store" });
      }
      // Arrived cross-site (a link in mail or chat): a Strict cookie set along a cross-site redirect chain
      // is withheld, so continue with a same-site navigation from this page.
      return c.html(
        `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${location}">` +
          `<a href="${location}">Continue</a>`,
        200,
        { "set-cookie": cookie, "cache-control": "no-store" },
      );
    }
    let access = registry.resolve(id, readCookie(c.req.header("cookie"), GRANT_COOKIE));
    if (access && options.requireUser && access.user !== user) access = undefined;
    if (!access && user && user === entry.reg.user) access = { viewOnly: false, user };
    if (!access) return refuse(user ? "not the session owner" : "no token or cookie");
    c.set("session", entry);
    c.set("access", access);
    await next();
  });
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}
