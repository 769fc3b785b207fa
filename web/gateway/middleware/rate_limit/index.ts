/**
 * Failed-authentication limiting, per credential target and real client: after `max` bad credentials for
 * one target (a session, a user name) from one client within `windowMs`, that client's further *bad*
 * credentials for that target get 429 until the window passes.
 *
 * Nothing here refuses a request that carries valid credentials: the checks sit where a credential is
 * examined (session tokens and cookies, basic-auth passwords), never in front of every request. A limit
 * per address alone locked everyone out: behind nginx or Apache all browsers share the proxy's address, so
 * ten bad tokens from one stranger gave every user of the site 429, valid cookies included.
 *
 * @module
 */

/** Options for {@linkcode FailureLimiter}. */
export interface FailureLimiterOptions {
  /** Failures allowed per client and target per window. @default {10} */
  max?: number;
  /** Window length, ms. @default {60000} */
  windowMs?: number;
}

/**
 * The limiter key of one client and one credential target.
 *
 * @example
 * ```ts
 * import { failureKey } from "./index.ts";
 * failureKey("203.0.113.5", "session:abcdefgh"); // one client's attempts at one session
 * ```
 */
export function failureKey(client: string, target: string): string {
  return `${client}\u0000${target}`;
}

/**
 * Counts authentication failures per key (see {@linkcode failureKey}).
 *
 * @example
 * ```ts
 * import { FailureLimiter, failureKey } from "./index.ts";
 * const limiter = new FailureLimiter({ max: 1 });
 * const key = failureKey("10.0.0.1", "user:ada");
 * limiter.fail(key);
 * limiter.blocked(key); // true
 * limiter.blocked(failureKey("10.0.0.2", "user:ada")); // false
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

  /** Records one failure under `key`. */
  fail(key: string): void {
    const now = Date.now();
    const hit = this.#hits.get(key);
    if (!hit || now - hit.since > this.#windowMs) this.#hits.set(key, { count: 1, since: now });
    else hit.count++;
    if (this.#hits.size > 100_000) this.#sweep(now);
  }

  /** Whether `key` has used up its failures for now. */
  blocked(key: string): boolean {
    return this.retryAfter(key) > 0;
  }

  /** Seconds until `key` may fail again; 0 when it is not blocked. */
  retryAfter(key: string): number {
    const hit = this.#hits.get(key);
    const left = hit && hit.count >= this.#max ? this.#windowMs - (Date.now() - hit.since) : 0;
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  #sweep(now: number): void {
    for (const [key, hit] of this.#hits) if (now - hit.since > this.#windowMs) this.#hits.delete(key);
  }
}

/**
 * The 429 answer to a bad credential from a client that has used up its failures.
 *
 * @example
 * ```ts
 * import { tooManyFailures } from "./index.ts";
 * tooManyFailures(30).headers.get("retry-after"); // "30"
 * ```
 */
export function tooManyFailures(retryAfterSeconds: number): Response {
  return new Response("too many failed attempts, try again in a minute\n", {
    status: 429,
    headers: { "content-type": "text/plain; charset=utf-8", "retry-after": String(retryAfterSeconds) },
  });
}
