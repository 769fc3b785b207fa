/**
 * Memory readings for the fuzz suite: this process's heap after a full garbage collection (V8's `gc`,
 * exposed at run time through node:v8, since `deno test` takes no `--expose-gc`), and any process's RSS
 * from /proc. A flat-memory check compares the median of late batches with early ones, so one noisy
 * reading cannot fail it and a steady leak cannot hide.
 *
 * @module
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

/** One reading, in bytes. */
export interface MemorySample {
  heapUsed: number;
  rss: number;
}

/**
 * Collects garbage and reads this process's heap and RSS. One full collection, not two: on the test
 * process's ~85 MB heap each took 100-300 ms on a loaded 2-core box, ~1/4 of the suite's time at two a batch;
 * what a second pass would free (finalizers) lags by one reading in every batch alike, so it cannot look
 * like growth.
 *
 * @example
 * ```ts
 * import { settledMemory } from "./_memory.ts";
 * (await settledMemory()).heapUsed > 0; // true
 * ```
 */
export async function settledMemory(): Promise<MemorySample> {
  await new Promise((resolve) => setTimeout(resolve, 0)); // let pending callbacks drop what they hold
  collect();
  const { heapUsed, rss } = Deno.memoryUsage();
  return { heapUsed, rss };
}

/**
 * The resident set size of process `pid` in bytes (VmRSS), or undefined once it is gone.
 *
 * @example
 * ```ts
 * import { processRss } from "./_memory.ts";
 * processRss(Deno.pid)! > 0; // true
 * ```
 */
export function processRss(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Megabytes, one decimal, for reports. */
export function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** What a flatness check found. */
export interface Flatness {
  /** Median of the early readings (the first one, a warm-up, left out when there are enough). */
  early: number;
  /** Median of the late readings. */
  late: number;
  /** Whether the growth stayed within the tolerance. */
  flat: boolean;
}

/**
 * Whether a series of readings (one per batch) stayed flat: the median of the last third may exceed the
 * median of the first third (after a warm-up reading) by at most `toleranceBytes` or 10 %, whichever is more.
 *
 * @example
 * ```ts
 * import { flatness } from "./_memory.ts";
 * flatness([50, 60, 61, 60, 62, 61, 60].map((m) => m * 2 ** 20)).flat; // true
 * flatness([50, 60, 70, 80, 90, 100, 110].map((m) => m * 2 ** 20)).flat; // false
 * ```
 */
export function flatness(readings: number[], toleranceBytes = 8 * 2 ** 20): Flatness {
  const body = readings.length > 4 ? readings.slice(1) : readings;
  const third = Math.max(1, Math.floor(body.length / 3));
  const early = median(body.slice(0, third));
  const late = median(body.slice(-third));
  return { early, late, flat: late - early <= Math.max(toleranceBytes, early * 0.1) };
}
