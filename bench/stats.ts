/**
 * Summary statistics for latency samples.
 *
 * @module
 */

/** Summary of a set of samples (all fields null when there are none). */
export interface Summary {
  /** Number of samples. */
  n: number;
  /** Smallest sample. */
  min: number | null;
  /** Median. */
  p50: number | null;
  /** 95th percentile. */
  p95: number | null;
  /** 99th percentile. */
  p99: number | null;
  /** Largest sample. */
  max: number | null;
  /** Arithmetic mean. */
  mean: number | null;
}

/**
 * The p-th percentile (0..100) of samples, interpolating linearly between ranks; NaN when empty.
 *
 * @example
 * ```ts
 * import { percentile } from "./stats.ts";
 * percentile([1, 2, 3, 4], 50); // 2.5
 * ```
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/**
 * Summarizes samples (rounded to 0.1) for reports.
 *
 * @example
 * ```ts
 * import { summarize } from "./stats.ts";
 * summarize([10, 20, 30]).p50; // 20
 * ```
 */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) {
    return { n: 0, min: null, p50: null, p95: null, p99: null, max: null, mean: null };
  }
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    n: samples.length,
    min: round(Math.min(...samples)),
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
    max: round(Math.max(...samples)),
    mean: round(samples.reduce((a, b) => a + b, 0) / samples.length),
  };
}
