/**
 * The soak's record and its three outputs: `soak.json` (every minute's samples), `soak.svg` (one chart per
 * series) and `soak.md` (verdict table: first, after warm-up and last value, slope, flat or not; then minute
 * by minute latency and churn).
 *
 * @module
 */
import type { GroupUsage } from "./_soak_procs.ts";
import type { ChurnCounts } from "./_soak_viewers.ts";
import { judgeSoak, type SeriesVerdict, type SoakSeries, verdictTable } from "./_soak_summary.ts";
import { soakSvg } from "./_soak_svg.ts";
import { percentile } from "./stats.ts";

/** The staying viewer's picture age over one minute (null at the start sample). */
export interface MinuteLatency {
  /** Picture age p50, ms. */
  p50: number;
  /** Picture age p99, ms. */
  p99: number;
  /** Readable samples. */
  n: number;
  /** Samples without a readable time code. */
  unreadable: number;
  /** Frames the page drew per second. */
  fps: number;
}

/** One sample of the soak (minute 0: at the start). */
export interface SoakMinute {
  /** Minutes since the start. */
  minute: number;
  /** Resources per process group. */
  groups: Record<string, GroupUsage>;
  /** The staying viewer's latency over the minute before, or null. */
  latency: MinuteLatency | null;
  /** Churn over the minute before (all zero at minute 0). */
  churn: ChurnCounts;
  /** The gateway's memory right after a forced GC (through the inspector), when the run read it. */
  gatewayAfterGc?: { rssBytes: number; heapUsedBytes: number };
}

/** The whole soak run. */
export interface SoakRecord {
  /** When it started (ISO). */
  startedAt: string;
  /** The seed of the churn's stays (SELKIES_FAULT_SEED). */
  seed: number;
  /** Geometry, fps and desktop of the session, and the machine. */
  setup: Record<string, string | number>;
  /** The samples. */
  minutes: SoakMinute[];
  /** What was left after the end (must be empty lists). */
  leftovers: { processes: string[]; dirs: string[]; sockets: string[] };
}

/**
 * The judged series of a record: RSS, fds and threads per process group, and the staying viewer's p99. A group
 * whose number of processes changes between samples (a media worker per WebRTC viewer, Chromium's renderers) is
 * judged per process, with its process count as a series of its own: a sum would rise and fall with the viewers
 * open at the moment of the sample, not with a leak.
 *
 * @example
 * ```ts
 * import { soakSeries } from "./_soak_report.ts";
 * soakSeries([]).length; // 1 (the latency series)
 * ```
 */
export function soakSeries(minutes: readonly SoakMinute[]): SoakSeries[] {
  const groups = [...new Set(minutes.flatMap((m) => Object.keys(m.groups)))];
  const round = (v: number) => Math.round(v * 10) / 10;
  return groups.flatMap((g): SoakSeries[] => {
    const present = minutes.map((m) => m.groups[g]?.processes ? m.groups[g] : null);
    const varies = new Set(present.flatMap((u) => u ? [u.processes] : [])).size > 1;
    const per = varies ? " per process" : "";
    const of = (pick: (u: GroupUsage) => number) =>
      present.map((u) => u ? round(pick(u) / (varies ? u.processes : 1)) : null);
    const series: SoakSeries[] = [
      { name: `${g} RSS${per} (MiB)`, kind: "rss", values: of((u) => u.rssBytes / 2 ** 20) },
      { name: `${g} fds${per}`, kind: "count", values: of((u) => u.fds) },
      { name: `${g} threads${per}`, kind: "count", values: of((u) => u.threads) },
    ];
    if (varies) {
      series.push({
        name: `${g} processes`,
        kind: "count",
        values: present.map((u) => u?.processes ?? null),
      });
    }
    return series;
  }).concat(gatewayAfterGc(minutes), {
    name: "staying viewer picture age p99 (ms)",
    kind: "latency",
    values: minutes.map((m) => m.latency?.p99 ?? null),
  });
}

/** The gateway's RSS and JS heap after a forced GC, when read: what it holds, not garbage not yet collected. */
function gatewayAfterGc(minutes: readonly SoakMinute[]): SoakSeries[] {
  if (!minutes.some((m) => m.gatewayAfterGc)) return [];
  const mib = (pick: (g: NonNullable<SoakMinute["gatewayAfterGc"]>) => number) =>
    minutes.map((m) => m.gatewayAfterGc ? Math.round(pick(m.gatewayAfterGc) / 2 ** 20 * 10) / 10 : null);
  return [
    { name: "gateway RSS after GC (MiB)", kind: "rss", values: mib((g) => g.rssBytes) },
    { name: "gateway JS heap after GC (MiB)", kind: "rss", values: mib((g) => g.heapUsedBytes) },
  ];
}

/**
 * The staying viewer's minute from a frame-age window (tests/fixtures/frame_age.ts); null without samples.
 *
 * @example
 * ```ts
 * import { minuteLatency } from "./_soak_report.ts";
 * minuteLatency({ ages: [10, 20, 30], unreadable: 1, fps: 14.9 })?.p50; // 20
 * ```
 */
export function minuteLatency(
  window: { ages: number[]; unreadable: number; fps: number },
): MinuteLatency | null {
  if (window.ages.length === 0) return null;
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    p50: round(percentile(window.ages, 50)),
    p99: round(percentile(window.ages, 99)),
    n: window.ages.length,
    unreadable: window.unreadable,
    fps: round(window.fps),
  };
}

/**
 * The Markdown summary of a record with its verdicts.
 *
 * @example
 * ```ts
 * import { soakMarkdown, type SoakRecord } from "./_soak_report.ts";
 * declare const record: SoakRecord;
 * console.log(soakMarkdown(record, []));
 * ```
 */
export function soakMarkdown(record: SoakRecord, verdicts: readonly SeriesVerdict[]): string {
  const flagged = verdicts.filter((v) => v.flag);
  const churn = record.minutes.map((m) => m.churn);
  const sum = (k: "joined" | "left" | "failed" | "websocket" | "webrtc" | "fallbacks") =>
    churn.reduce((s, c) => s + c[k], 0);
  const rows = record.minutes.map((m) => {
    const l = m.latency, c = m.churn;
    const lat = l ? `${l.p50} | ${l.p99} | ${l.n} | ${l.fps}` : "– | – | – | –";
    return `| ${m.minute} | ${lat} | ${c.joined} | ${c.left} | ${c.failed} | ${c.websocket} | ${c.webrtc} | ${c.fallbacks} |`;
  });
  const left = record.leftovers;
  const nothingLeft = !left.processes.length && !left.dirs.length && !left.sockets.length;
  return [
    `# Soak: ${record.minutes.length - 1} minutes, ${record.startedAt}`,
    "",
    Object.entries(record.setup).map(([k, v]) => `${k}: ${v}`).join("; ") + `; seed ${record.seed}`,
    "",
    flagged.length ? `**${flagged.length} series not flat**` : "Every series flat.",
    `Churn viewers: ${sum("joined")} joined, ${sum("left")} left, ${sum("failed")} without a picture ` +
    `(${sum("websocket")} over WebSocket, ${sum("webrtc")} over WebRTC, ${
      sum("fallbacks")
    } WebRTC fell back).`,
    `Left after the end: ${nothingLeft ? "nothing" : JSON.stringify(left)}.`,
    "",
    verdictTable(verdicts),
    "",
    "| minute | age p50 (ms) | age p99 (ms) | samples | fps | joined | left | no picture | ws | webrtc | fallbacks |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "![soak](soak.svg)",
    "",
  ].join("\n");
}

/**
 * Writes soak.json, soak.svg and soak.md into `dir` and returns the verdicts.
 *
 * @example
 * ```ts
 * import { writeSoak, type SoakRecord } from "./_soak_report.ts";
 * declare const record: SoakRecord;
 * await writeSoak(record, "docs/results/soak");
 * ```
 */
export async function writeSoak(record: SoakRecord, dir: string): Promise<SeriesVerdict[]> {
  const series = soakSeries(record.minutes);
  const failed = record.minutes.reduce((s, m) => s + m.churn.failed, 0);
  const verdicts = judgeSoak(series, failed);
  const flagged = new Set(verdicts.filter((v) => v.flag).map((v) => v.name));
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/soak.json`, JSON.stringify(record, null, 2) + "\n");
  const caption = `${record.minutes.length - 1} min soak, ${record.startedAt}; red: not flat`;
  await Deno.writeTextFile(`${dir}/soak.svg`, soakSvg(series, flagged, caption));
  await Deno.writeTextFile(`${dir}/soak.md`, soakMarkdown(record, verdicts));
  return verdicts;
}
