/**
 * Waiting that an `AbortSignal` cuts short (as `@std/async`'s `abortable`, which JSR does not serve here).
 *
 * @module
 */

/**
 * Resolves or rejects as `promise` does, or rejects with the signal's reason as soon as it aborts. The
 * promise itself goes on: whatever it starts is the caller's to end, and its late rejection is ignored.
 * The abort listener is removed on every path.
 *
 * @param promise What to wait for.
 * @param signal Stops the wait. @default {none: the promise as it is}
 * @example
 * ```ts
 * import { abortable } from "./abortable.ts";
 * const controller = new AbortController();
 * const slow = new Promise<string>((resolve) => setTimeout(() => resolve("late"), 10));
 * const waiting = abortable(slow, controller.signal);
 * controller.abort(new Error("stop"));
 * await waiting.catch((error) => error.message); // "stop"
 * ```
 */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  promise.catch(() => {}); // abandoned on abort: its late failure is no news
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
