/**
 * The results as rows: one shape for the terminal table and the Markdown table.
 *
 * @module
 */
import type { Measurement } from "./measure.ts";
import type { BenchReport, CaseResult } from "./run.ts";

/** Column headers of the results table. */
export const COLUMNS: readonly string[] = [
  "case",
  "fps",
  "g2g p50",
  "g2g p95",
  "g2g p99",
  "p50 first 10s",
  "p50 last 10s",
  "input p50",
  "input p95",
  "Mbit/s",
  "server CPU%",
  "content CPU%",
  "client CPU%",
  "other CPU%",
  "encode ms",
  "decode ms",
  "1st frame s",
  "unreadable%",
];

/**
 * The results table: the calibration first, then every case (failed cases say so).
 *
 * @example
 * ```ts
 * import { resultRows } from "./table.ts";
 * import type { BenchReport, CaseResult } from "./run.ts";
 * declare const report: BenchReport;
 * console.table(resultRows(report));
 * ```
 */
export function resultRows(report: BenchReport): string[][] {
  const rows = [row("calibration (page reads itself)", report.calibration)];
  for (const c of report.cases) {
    const name = caseName(c);
    rows.push(
      c.measurement
        ? row(name, c.measurement)
        : [name, `FAILED: ${(c.error ?? "").split("\n")[0].slice(0, 80)}`],
    );
  }
  return rows;
}

/**
 * A case's name in the reports: stack / content, and `(starved)` for the starved viewer's case.
 *
 * @example
 * ```ts
 * import { caseName } from "./table.ts";
 * caseName({ peer: "selkies-webrtc", content: "text", starved: { cpu: 1, loops: 1, pinned: 5 } });
 * // "selkies-webrtc / text (starved)"
 * ```
 */
export function caseName(c: Pick<CaseResult, "peer" | "content" | "starved">): string {
  return `${c.peer} / ${c.content}${c.starved ? " (starved)" : ""}`;
}

function row(name: string, m: Measurement): string[] {
  const v = (x: number | null | undefined) => (x === null || x === undefined ? "-" : String(x));
  const decode = m.webrtc?.decodeMs || m.clientStats?.decodeMs;
  return [
    name,
    v(m.fps),
    v(m.latency.p50),
    v(m.latency.p95),
    v(m.latency.p99),
    // "-" where the case was measured < 20 s (the two windows would overlap) or before this existed.
    v(m.latencyOverTime?.firstP50),
    v(m.latencyOverTime?.lastP50),
    v(m.input.p50),
    v(m.input.p95),
    v(m.mbps),
    v(m.serverCpu),
    v(m.contentCpu),
    v(m.clientCpu),
    v(m.otherCpu),
    v(m.pipeline?.p50),
    typeof decode === "number" ? String(Math.round(decode * 10) / 10) : "-",
    v(m.firstFrameS),
    v(m.unreadablePct),
  ];
}

/**
 * Formats rows as an aligned plain-text table for the terminal.
 *
 * @example
 * ```ts
 * import { textTable } from "./table.ts";
 * textTable([["a", "bb"], ["ccc", "d"]]); // "a    bb\nccc  d"
 * ```
 */
export function textTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, cell.length));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join("  "))
    .join("\n");
}

/**
 * Formats rows as a Markdown table (the first row is the header).
 *
 * @example
 * ```ts
 * import { markdownTable } from "./table.ts";
 * markdownTable([["h1", "h2"], ["a", "b"]]); // "| h1 | h2 |\n|---|---|\n| a | b |"
 * ```
 */
export function markdownTable(rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  const line = (r: readonly string[]) => `| ${r.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(head), `|${head.map(() => "---").join("|")}|`, ...body.map(line)].join("\n");
}
