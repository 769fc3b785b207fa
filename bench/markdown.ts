/**
 * The Markdown summary of a run: machine, settings, the table, the targets, and where time goes.
 *
 * @module
 */
import type { BenchReport } from "./run.ts";
import { caseName, COLUMNS, markdownTable, resultRows } from "./table.ts";
import { checkTargets } from "./targets.ts";
import { breakdownLines } from "./breakdown.ts";

/**
 * Writes the Markdown summary of a report.
 *
 * @example
 * ```ts
 * import { markdownSummary } from "./markdown.ts";
 * import type { BenchReport } from "./run.ts";
 * declare const report: BenchReport;
 * await Deno.writeTextFile("results.md", markdownSummary(report));
 * ```
 */
export function markdownSummary(report: BenchReport): string {
  const m = report.machine;
  const cal = report.calibration;
  const lines = [
    `# Benchmark results${report.quick ? " (quick smoke run)" : ""}`,
    "",
    `Run ${report.startedAt}, ${report.wallS} s in all. Screen ${report.geometry}, each case measured for ` +
    `${cal.durationS} s after warm-up, key presses every 0.7 s.`,
    "",
    `Machine: ${m.nproc} CPUs, ${m.cpu}, kernel ${m.kernel}, ${m.chromium} (headless, software rendering), Deno ${m.deno}. ` +
    `Load average at the start: ${
      report.loadAtStart ?? "not recorded"
    }; "other CPU%" is what the rest of the machine used ` +
    `during each case.`,
    "",
    `Calibration (the page reads a time code it draws itself on a 60 Hz timer): ${cal.fps} fps at a display ` +
    `rate of ${cal.displayFps} Hz, p50 ${cal.latency.p50} ms, p95 ${cal.latency.p95} ms. Every latency below ` +
    `includes this floor (waiting for the next animation frame).`,
    "",
    markdownTable([COLUMNS, ...resultRows(report)]),
    "",
    "Columns: fps = distinct content frames that reached the page per second; g2g = glass-to-glass latency (time",
    "code drawn on the X display to the page seeing it); input = key press in the page to the X client's changed",
    "pixels seen in the page; Mbit/s = payload received by the page; server CPU = the session's processes (X",
    "server, encoder, proxy) in % of one core, content CPU = the benchmark's own content program; decode ms =",
    "the client's own decode time where it reports one; g2g p99 is what issue 10's tail target reads;",
    "p50 first/last 10s = g2g p50 of the first and of the last 10 s of the case (a growing queue shows as a",
    "slope; `-` where the case was measured for less than 20 s).",
    "",
    ...starvedLines(report),
    "## Settings",
    "",
    ...uniqueSettings(report).map(([peer, s]) => `- ${peer}: ${s}`),
    "",
    "## Targets",
    "",
    ...targetLines(report),
    "",
    "## Where the time goes",
    "",
    "The page separates its wait for the next animation frame and the decode; GStreamer's latency tracer gives",
    "our server pipeline's convert + encode time; what is left is capture, transport and queueing (for VNC,",
    "everything but the page's wait is one remainder).",
    "",
    ...breakdownLines(report),
    ...leftBehindLines(report),
  ];
  return lines.join("\n") + "\n";
}

function starvedLines(report: BenchReport): string[] {
  if (!report.starved) return [];
  const { loops, durationS } = report.starved;
  const cpus = [...new Set(report.cases.map((c) => c.starved?.cpu).filter((c) => typeof c === "number"))];
  return [
    `Starved viewer (issue 10): each "(starved)" case ran right after its normal one, with the browser's ` +
    `processes pinned to CPU ${cpus.join(", ") || "-"} and ${loops} busy loop(s) pinned to the same CPU, ` +
    `measured for ${durationS} s; the loops count in "other CPU%", and "client CPU%" is what the page got.`,
    "",
  ];
}

function leftBehindLines(report: BenchReport): string[] {
  const leaky = report.cases.filter((c) => (c.leftBehind ?? 0) > 0);
  if (leaky.length === 0) return [];
  return [
    "",
    "## Clean-up",
    "",
    ...leaky.map((c) =>
      `- ${caseName(c)}: ${c.leftBehind} process(es) still ran after the stack was stopped ` +
      "(the benchmark ended them)."
    ),
  ];
}

function uniqueSettings(report: BenchReport): [string, string][] {
  const seen = new Map<string, string>();
  for (const c of report.cases) {
    if (!seen.has(c.peer) && Object.keys(c.settings).length > 0) {
      seen.set(c.peer, Object.entries(c.settings).map(([k, v]) => `${k} ${v}`).join(", "));
    }
  }
  return [...seen];
}

function targetLines(report: BenchReport): string[] {
  const checks = checkTargets(report);
  if (checks.length === 0) {
    return ["Our streamer was not measured in this run, so no target could be checked."];
  }
  return checks.map((t) =>
    `- ${t.met === null ? "not measured" : t.met ? "met" : "MISSED"}: ${t.target} ` +
    `[${t.transport}]: ${t.detail}`
  );
}
