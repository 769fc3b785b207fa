/**
 * The soak's verdict from its per-minute samples (pure): for every series its first and last value, the slope per
 * minute (least squares) and whether it is flat. Not flat: RSS or latency p99 more than 10 % (latency: 50 %) above
 * its value after the warm-up minute, fds or threads that grew at every sample after it, churn viewers that got no picture.
 *
 * @module
 */

/** One series over the soak's minutes, e.g. `streamer RSS (MiB)`. */
export interface SoakSeries {
  /** What is measured, with its unit. */
  name: string;
  /** How it may grow before it is flagged: RSS-like (10 %), count-like (monotonic growth) or latency (50 %). */
  kind: "rss" | "count" | "latency";
  /** One value per sample (minute 0 = start), null where nothing was measured. */
  values: (number | null)[];
}

/** The verdict on one series. */
export interface SeriesVerdict {
  /** The series' name. */
  name: string;
  /** Value of the first sample. */
  first: number | null;
  /** Value after the warm-up (the second sample when there are 3 or more, else the first). */
  warm: number | null;
  /** Value of the last sample. */
  last: number | null;
  /** Least-squares slope per minute over every sample. */
  slopePerMinute: number;
  /** Why it is not flat, or null when it is. */
  flag: string | null;
}

/**
 * The least-squares slope of `values` (one per minute, nulls skipped) per minute; 0 with fewer than 2 values.
 *
 * @example
 * ```ts
 * import { slope } from "./_soak_summary.ts";
 * slope([1, 3, 5]); // 2
 * ```
 */
export function slope(values: readonly (number | null)[]): number {
  const points = values.flatMap((v, i) => v === null ? [] : [[i, v] as const]);
  if (points.length < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / points.length;
  const my = points.reduce((s, [, y]) => s + y, 0) / points.length;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxy / sxx;
}

/**
 * Judges one series by its kind's rule.
 *
 * @example
 * ```ts
 * import { judgeSeries } from "./_soak_summary.ts";
 * judgeSeries({ name: "fds", kind: "count", values: [9, 11, 12, 13] }).flag; // "grew at every sample after warm-up: 11 → 13"
 * judgeSeries({ name: "rss", kind: "rss", values: [100, 120, 125] }).flag; // null (4 % after warm-up)
 * ```
 */
export function judgeSeries(series: SoakSeries): SeriesVerdict {
  const present = series.values.filter((v): v is number => v !== null);
  const first = present[0] ?? null;
  const warm = present.length >= 3 ? present[1] : first;
  const last = present.at(-1) ?? null;
  const verdict = { name: series.name, first, warm, last, slopePerMinute: slope(series.values), flag: null };
  if (warm === null || last === null) return verdict;
  if (series.kind === "count") {
    // From the warm-up on: the first minute opens what the run keeps open (viewers, peers, renderers).
    const afterWarmUp = present.length >= 3 ? present.slice(1) : present;
    const steps = afterWarmUp.slice(1).map((v, i) => v - afterWarmUp[i]);
    const grew = afterWarmUp.length >= 3 && steps.every((d) => d > 0);
    return { ...verdict, flag: grew ? `grew at every sample after warm-up: ${warm} → ${last}` : null };
  }
  const limit = series.kind === "rss" ? 0.10 : 0.50;
  const growth = warm > 0 ? (last - warm) / warm : 0;
  return {
    ...verdict,
    flag: growth > limit ? `+${(growth * 100).toFixed(0)} % after warm-up (limit ${limit * 100} %)` : null,
  };
}

/**
 * Judges every series, plus a flag row when any churn viewer got no picture.
 *
 * @example
 * ```ts
 * import { judgeSoak } from "./_soak_summary.ts";
 * judgeSoak([{ name: "x", kind: "rss", values: [1, 1, 1] }], 2).at(-1)?.flag; // "2 viewers got no picture"
 * ```
 */
export function judgeSoak(series: readonly SoakSeries[], failedViewers: number): SeriesVerdict[] {
  const verdicts = series.map(judgeSeries);
  if (failedViewers > 0) {
    verdicts.push({
      name: "churn viewers without a picture",
      first: null,
      warm: null,
      last: failedViewers,
      slopePerMinute: 0,
      flag: `${failedViewers} viewers got no picture`,
    });
  }
  return verdicts;
}

/**
 * The verdicts as a Markdown table (first, after warm-up, last, slope per minute, flat or why not).
 *
 * @example
 * ```ts
 * import { judgeSoak, verdictTable } from "./_soak_summary.ts";
 * verdictTable(judgeSoak([{ name: "x", kind: "rss", values: [1, 1, 1] }], 0)).includes("| x | 1 | 1 | 1 |"); // true
 * ```
 */
export function verdictTable(verdicts: readonly SeriesVerdict[]): string {
  const num = (v: number | null) => v === null ? "–" : String(Math.round(v * 10) / 10);
  const rows = verdicts.map((v) =>
    `| ${v.name} | ${num(v.first)} | ${num(v.warm)} | ${num(v.last)} | ${v.slopePerMinute.toFixed(2)} | ${
      v.flag ? `**not flat**: ${v.flag}` : "flat"
    } |`
  );
  return [
    "| series | first | after warm-up | last | slope / min | verdict |",
    "| --- | --- | --- | --- | --- | --- |",
  ]
    .concat(rows).join("\n");
}
