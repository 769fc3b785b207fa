/**
 * Who is asking: the user name from a trusted proxy header (honoured only from configured proxy
 * addresses) or from HTTP basic auth. In `token` mode nobody is signed in and capability links
 * alone grant access. Wrong passwords count per client and user name: once a client has used up its
 * failures for a name, its further *unverified* passwords for that name get 429 without being checked, while
 * credentials already verified (remembered as a hash for a while) keep working, so one stranger guessing
 * behind a shared proxy locks nobody out of a running session.
 *
 * @module
 */
import { createMiddleware } from "hono/factory";
import type { MiddlewareHandler } from "hono";
import { sha256 } from "../../../../secrets.ts";
import { SelkiesError } from "../../../../errors.ts";
import type { GatewayEnv } from "../../_env.ts";
import { failureKey, type FailureLimiter, tooManyFailures } from "../rate_limit/index.ts";
import { verifyPassword } from "./password.ts";

export { hashPassword, verifyPassword } from "./password.ts";

/** Authentication settings: one mode at a time. */
export type AuthOptions =
  | {
    /** Capability links (`?token=`) only. */
    mode: "token";
  }
  | {
    /** A fronting proxy (Apache/nginx with SSO) names the user in a header. */
    mode: "header";
    /** Header carrying the user name. @default {"X-Remote-User"} */
    header?: string;
    /** Addresses of the proxies whose header is believed; everyone else's is ignored. */
    trustedProxies: string[];
  }
  | {
    /** HTTP basic auth against hashed passwords. */
    mode: "basic";
    /** User name -> `hashPassword()` output. At least one. */
    users: Record<string, string>;
    /** Realm shown by the browser. @default {"selkies-hpc"} */
    realm?: string;
  };

/**
 * Raised at start for an unusable auth configuration; the message says what to fix. Exit code 1.
 *
 * @example
 * ```ts
 * import { AuthConfigError } from "./index.ts";
 * throw new AuthConfigError("basic auth needs at least one user with a password hash");
 * ```
 */
export class AuthConfigError extends SelkiesError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 1, options);
  }
}

/**
 * Checks an auth configuration; throws {@linkcode AuthConfigError} (e.g. basic auth without a password).
 *
 * @example
 * ```ts
 * import { validateAuth } from "./index.ts";
 * validateAuth({ mode: "token" });
 * ```
 */
export function validateAuth(options: AuthOptions): void {
  if (options.mode === "basic") {
    const users = Object.entries(options.users ?? {});
    if (!users.length) throw new AuthConfigError("basic auth needs at least one user with a password hash");
    for (const [name, hash] of users) {
      if (!hash?.startsWith("scrypt$")) {
        throw new AuthConfigError(
          `user ${name} has no password hash: create one with \`selkies-hpc gateway hash-password\``,
        );
      }
    }
  }
  if (options.mode === "header" && !options.trustedProxies?.length) {
    throw new AuthConfigError("header auth needs trustedProxies (the addresses of your fronting proxy)");
  }
}

/** How {@linkcode identify} reports and limits wrong passwords. */
export interface IdentifyGuard {
  /** Counts wrong passwords per client and user name. */
  limiter: FailureLimiter;
  /** Called for every wrong password (metrics, log); never given the password. */
  onFailure: (ip: string, why: string) => void;
  /** How long a verified basic credential is remembered (as a hash), ms. @default {600000} */
  rememberMs?: number;
}

/**
 * Sets `c.var.user` from the configured identity source; answers 401 where basic auth is required.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { identify, type IdentifyGuard } from "./index.ts";
 * import { FailureLimiter } from "../rate_limit/index.ts";
 * import type { GatewayEnv } from "../../_env.ts";
 * const app = new Hono<GatewayEnv>();
 * const guard: IdentifyGuard = {
 *   limiter: new FailureLimiter(),
 *   onFailure: (ip, why) => console.warn(ip, why),
 * };
 * app.use("*", identify({ mode: "header", trustedProxies: ["127.0.0.1"] }, guard));
 * ```
 */
export function identify(options: AuthOptions, guard: IdentifyGuard): MiddlewareHandler<GatewayEnv> {
  validateAuth(options);
  const verified = new VerifiedCredentials(guard.rememberMs ?? 600_000);
  const trusted = new Set(options.mode === "header" ? options.trustedProxies : []);
  const header = options.mode === "header" ? options.header ?? "X-Remote-User" : "";
  const realm = options.mode === "basic" ? options.realm ?? "selkies-hpc" : "";
  return createMiddleware<GatewayEnv>(async function identify(c, next) {
    if (options.mode === "header") {
      const name = c.req.header(header);
      const peer = c.env?.remoteAddr?.hostname ?? "";
      if (name && trusted.has(peer) && /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/.test(name)) c.set("user", name);
    } else if (options.mode === "basic") {
      const basic = c.req.header("authorization")?.match(/^Basic\s+([A-Za-z0-9+/=]+)$/i)?.[1];
      const [name, password] = basic ? splitOnce(atobSafe(basic), ":") : ["", ""];
      const stored = Object.hasOwn(options.users, name) ? options.users[name] : undefined;
      const key = failureKey(c.get("ip"), `user:${name}`);
      if (stored && verified.has(basic!, stored)) c.set("user", name);
      else if (basic && guard.limiter.blocked(key)) return tooManyFailures(guard.limiter.retryAfter(key));
      else if (stored && await verifyPassword(password, stored)) {
        verified.add(basic!, stored);
        c.set("user", name);
      } else {
        if (basic) {
          guard.limiter.fail(key);
          guard.onFailure(c.get("ip"), "bad password");
        }
        return c.text("sign in required\n", 401, {
          "www-authenticate": `Basic realm="${realm}", charset="UTF-8"`,
        });
      }
    }
    await next();
  });
}

/** Basic credentials that verified recently, as sha256 hashes bound to the stored hash they matched. */
class VerifiedCredentials {
  readonly #until = new Map<string, number>();
  constructor(readonly ttlMs: number) {}

  has(credential: string, stored: string): boolean {
    const until = this.#until.get(fingerprint(credential, stored));
    return until !== undefined && until > Date.now();
  }

  add(credential: string, stored: string): void {
    const now = Date.now();
    if (this.#until.size >= 10_000) {
      for (const [key, until] of this.#until) if (until <= now) this.#until.delete(key);
      if (this.#until.size >= 10_000) this.#until.clear();
    }
    this.#until.set(fingerprint(credential, stored), now + this.ttlMs);
  }
}

function fingerprint(credential: string, stored: string): string {
  return sha256(`${stored}\0${credential}`);
}

function atobSafe(text: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0)));
  } catch {
    return "";
  }
}

function splitOnce(text: string, sep: string): [string, string] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}
