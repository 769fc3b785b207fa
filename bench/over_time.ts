/**
 * Latency over time (issue 10): the glass-to-glass p50 of a case's first and last seconds of measurement. A
 * viewer that falls behind and queues frames shows it as a slope (the last window slower than the first),
 * which one p50 over the whole window averages away.
 *
 * @module
 */
import { percentile } from "./stats.ts";

/** The seconds at each end of the measurement that are compared. */
export const OVER_TIME_WINDOW_S = 10;

/** Glass-to-glass p50 at the start and at the end of a measurement. */
export interface LatencyOverTime {
  /** Seconds at each end. */
  windowS: number;
  /** p50 of the samples seen in the first `windowS` seconds, ms (null: none). */
  firstP50: number | null;
  /** p50 of the samples seen in the last `windowS` seconds, ms (null: none). */
  lastP50: number | null;
  /** Samples in the first window. */
  firstN: number;
  /** Samples in the last window. */
  lastN: number;
}

/**
 * The p50 of the first and of the last `windowS` seconds; null when the measurement is shorter than two windows
 * (they would overlap, and the comparison would mean nothing).
 *
 * @param latencies Glass-to-glass samples, ms.
 * @param atMs When each sample was seen, ms since the measurement started.
 * @param durationMs How long the measurement lasted.
 * @param windowS Seconds at each end.
 * @example
 * ```ts
 * import { latencyOverTime } from "./over_time.ts";
 * const at = Array.from({ length: 30 }, (_, i) => i * 1000);
 * latencyOverTime(at.map((t) => 20 + t / 1000), at, 30_000)?.lastP50; // 45
 * ```
 */
export function latencyOverTime(
  latencies: readonly number[],
  atMs: readonly number[],
  durationMs: number,
  windowS: number = OVER_TIME_WINDOW_S,
): LatencyOverTime | null {
  const windowMs = windowS * 1000;
  if (durationMs < 2 * windowMs) return null;
  if (latencies.length !== atMs.length) {
    throw new RangeError(`${latencies.length} latencies but ${atMs.length} times`);
  }
  const first = latencies.filter((_, i) => atMs[i] < windowMs);
  const last = latencies.filter((_, i) => atMs[i] >= durationMs - windowMs);
  const p50 = (xs: number[]) => xs.length === 0 ? null : Math.round(percentile(xs, 50) * 10) / 10;
  return { windowS, firstP50: p50(first), lastP50: p50(last), firstN: first.length, lastN: last.length };
}
