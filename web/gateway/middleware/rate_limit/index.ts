/**
 * Failed-authentication rate limiting per client address: after `max` failures within `windowMs`
 * the address gets 429 until the window passes.
 *
 * @module
 */
import { createMiddleware } from "hono/factory";
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../../_env.ts";

/** Options for {@linkcode FailureLimiter}. */
export interface FailureLimiterOptions {
  /** Failures allowed per window. @default {10} */
  max?: number;
  /** Window length, ms. @default {60000} */
  windowMs?: number;
}

/**
 * Counts authentication failures per address.
 *
 * @example
 * ```ts
 * import { FailureLimiter } from "./index.ts";
 * const limiter = new FailureLimiter({ max: 1 });
 * limiter.fail("10.0.0.1");
 * limiter.blocked("10.0.0.1"); // true
 * ```
 */
export class FailureLimiter {
  readonly #hits = new Map<string, { count: number; since: number }>();
  readonly #max: number;
  readonly #windowMs: number;

  /** Creates a limiter. */
  constructor(options: FailureLimiterOptions = {}) {
    this.#max = options.max ?? 10;
    this.#windowMs = options.windowMs ?? 60_000;
  }

  /** Records one failure from `ip`. */
  fail(ip: string): void {
    const now = Date.now();
    const hit = this.#hits.get(ip);
    if (!hit || now - hit.since > this.#windowMs) this.#hits.set(ip, { count: 1, since: now });
    else hit.count++;
    if (this.#hits.size > 100_000) this.#sweep(now);
  }

  /** Whether `ip` has used up its failures for now. */
  blocked(ip: string): boolean {
    const hit = this.#hits.get(ip);
    return !!hit && Date.now() - hit.since <= this.#windowMs && hit.count >= this.#max;
  }

  #sweep(now: number): void {
    for (const [ip, hit] of this.#hits) if (now - hit.since > this.#windowMs) this.#hits.delete(ip);
  }
}

/**
 * Answers 429 to addresses the limiter has blocked.
 *
 * @example
 * ```ts ignore
 * app.use("*", rateLimit(limiter));
 * ```
 */
export function rateLimit(limiter: FailureLimiter): MiddlewareHandler<GatewayEnv> {
  return createMiddleware<GatewayEnv>(async function rateLimit(c, next) {
    if (limiter.blocked(c.get("ip"))) {
      return c.text("too many failed attempts, try again in a minute\n", 429, { "retry-after": "60" });
    }
    await next();
  });
}
