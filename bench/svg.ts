/**
 * The latency plot: hand-written SVG box plots (whiskers p5-p95, box p25-p75, line at the median)
 * of glass-to-glass and input-to-photon latency, one row per case.
 *
 * @module
 */
import type { BenchReport } from "./run.ts";
import { percentile } from "./stats.ts";

const COLORS: Record<string, string> = {
  calibration: "#888888",
  novnc: "#d08770",
  "selkies-websocket": "#5e81ac",
  "selkies-webrtc": "#a3be8c",
};

interface Row {
  label: string;
  color: string;
  samples: number[];
}

/**
 * Renders the report's latency distributions as a standalone SVG document.
 *
 * @example
 * ```ts
 * import { latencySvg } from "./svg.ts";
 * import type { BenchReport } from "./run.ts";
 * declare const report: BenchReport;
 * await Deno.writeTextFile("latency.svg", latencySvg(report));
 * ```
 */
export function latencySvg(report: BenchReport): string {
  const measured = report.cases.filter((c) => c.measurement !== null);
  const rows = (pick: "latency" | "input"): Row[] => [
    { label: "calibration", color: COLORS.calibration, samples: report.calibration.samples[pick] },
    ...measured.map((c) => ({
      label: `${c.peer} / ${c.content}`,
      color: COLORS[c.peer] ?? "#444",
      samples: c.measurement!.samples[pick],
    })),
  ];
  const panels = [
    { title: "Glass-to-glass latency (ms)", rows: rows("latency") },
    { title: "Input-to-photon latency (ms)", rows: rows("input") },
  ];
  const all = panels.flatMap((p) =>
    p.rows.filter((r) => r.samples.length > 0).map((r) => percentile(r.samples, 95))
  );
  const max = niceCeil(Math.max(50, ...all));
  const left = 230, plotW = 620, rowH = 26, top = 40;
  const parts: string[] = [];
  let y = top;
  for (const panel of panels) {
    parts.push(`<text x="${left}" y="${y - 12}" font-weight="bold">${escape(panel.title)}</text>`);
    const x = (v: number) => left + (Math.min(v, max) / max) * plotW;
    for (const r of panel.rows) {
      const mid = y + rowH / 2;
      parts.push(`<text x="${left - 8}" y="${mid + 4}" text-anchor="end">${escape(r.label)}</text>`);
      if (r.samples.length === 0) {
        parts.push(`<text x="${left + 4}" y="${mid + 4}" fill="#999">no samples</text>`);
      } else {
        const [p5, p25, p50, p75, p95] = [5, 25, 50, 75, 95].map((p) => percentile(r.samples, p));
        parts.push(
          `<line x1="${x(p5)}" y1="${mid}" x2="${x(p95)}" y2="${mid}" stroke="${r.color}"/>`,
          `<rect x="${x(p25)}" y="${mid - 8}" width="${
            Math.max(1, x(p75) - x(p25))
          }" height="16" fill="${r.color}" fill-opacity="0.5" stroke="${r.color}"/>`,
          `<line x1="${x(p50)}" y1="${mid - 9}" x2="${x(p50)}" y2="${
            mid + 9
          }" stroke="#000" stroke-width="2"/>`,
          `<text x="${x(p95) + 6}" y="${mid + 4}" fill="#555">${Math.round(p50)} / ${Math.round(p95)}</text>`,
        );
      }
      y += rowH;
    }
    for (let t = 0; t <= max; t += max / 5) {
      parts.push(
        `<line x1="${x(t)}" y1="${y}" x2="${x(t)}" y2="${y - rowH * panel.rows.length}" stroke="#ddd"/>`,
        `<text x="${x(t)}" y="${y + 14}" text-anchor="middle" fill="#555">${t}</text>`,
      );
    }
    y += 60;
  }
  const height = y;
  const width = left + plotW + 110;
  const caption =
    `${report.geometry}, ${report.machine.nproc} CPUs (${report.machine.cpu}), labels: p50 / p95 ms`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="${height - 10}" fill="#555">${escape(caption)}</text>
${parts.join("\n")}
</svg>
`;
}

function niceCeil(v: number): number {
  const step = v <= 100 ? 25 : v <= 500 ? 100 : 500;
  return Math.ceil(v / step) * step;
}

/**
 * Escapes text for SVG/XML content (`&`, `<`, `>`), for every hand-written chart of the benchmarks.
 *
 * @example
 * ```ts
 * import { escape } from "./svg.ts";
 * escape("a < b"); // "a &lt; b"
 * ```
 */
export function escape(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
