/**
 * The fault suite's seed: each fault strikes at a moment drawn from it (a pause after the picture is up),
 * so CI repeats one sequence and a run with another seed tries other moments. `SELKIES_FAULT_SEED` sets it;
 * the tests print it with their figures.
 *
 * @module
 */

/** The seed of this run: `SELKIES_FAULT_SEED`, or 14 (CI's). */
export const FAULT_SEED: number = Number(Deno.env.get("SELKIES_FAULT_SEED") ?? 14) >>> 0;

let state = FAULT_SEED || 1;

/**
 * The next number in [0, 1) of the run's sequence (mulberry32).
 *
 * @example
 * ```ts
 * import { nextRandom } from "./_seed.ts";
 * const x = nextRandom(); // 0 <= x < 1
 * ```
 */
export function nextRandom(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * Waits a seeded moment of up to `maxMs` before a fault strikes, and resolves with how long it waited.
 *
 * @example
 * ```ts
 * import { faultMoment } from "./_seed.ts";
 * const waited = await faultMoment(10); // 0..10 ms
 * ```
 */
export async function faultMoment(maxMs = 2000): Promise<number> {
  const ms = Math.round(nextRandom() * maxMs);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ms;
}
