/**
 * The soak plot (pure): small line charts in a grid, one per series over the soak's minutes, each with its own
 * scale from 0 (a slow leak shows as a slope, not hidden by another process's larger values). Hand-written SVG
 * like bench/svg.ts.
 *
 * @module
 */
import { escape } from "./svg.ts";
import type { SoakSeries } from "./_soak_summary.ts";

const CHART_W = 260, CHART_H = 110, PAD = 34, COLUMNS = 3;

/**
 * Renders every series as one small chart (minutes on x, the value on y from 0 to a round maximum; red when
 * `flagged` names it) in a standalone SVG document with `caption` at the bottom; `xLabel` names the x axis'
 * unit (minutes by default).
 *
 * @example
 * ```ts
 * import { soakSvg } from "./_soak_svg.ts";
 * const svg = soakSvg([{ name: "streamer RSS (MiB)", kind: "rss", values: [80, 82, 82] }], new Set(), "smoke");
 * svg.startsWith("<svg"); // true
 * ```
 */
export function soakSvg(
  series: readonly SoakSeries[],
  flagged: ReadonlySet<string>,
  caption: string,
  xLabel = "min",
): string {
  const cellW = CHART_W + PAD * 2, cellH = CHART_H + PAD * 2;
  const charts = series.map((s, i) =>
    chart(s, flagged.has(s.name), (i % COLUMNS) * cellW + PAD, Math.floor(i / COLUMNS) * cellH + PAD, xLabel)
  );
  const width = cellW * COLUMNS;
  const height = cellH * Math.ceil(series.length / COLUMNS) + 24;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
${charts.join("\n")}
<text x="10" y="${height - 8}" fill="#555">${escape(caption)}</text>
</svg>
`;
}

function chart(s: SoakSeries, flagged: boolean, x0: number, y0: number, xLabel: string): string {
  const present = s.values.filter((v): v is number => v !== null);
  const max = roundUp(Math.max(1, ...present));
  const lastMinute = Math.max(1, s.values.length - 1);
  const x = (minute: number) => x0 + (minute / lastMinute) * CHART_W;
  const y = (v: number) => y0 + CHART_H - (v / max) * CHART_H;
  const color = flagged ? "#bf616a" : "#5e81ac";
  const points = s.values.flatMap((v, i) => v === null ? [] : [`${x(i).toFixed(1)},${y(v).toFixed(1)}`]);
  const parts = [
    `<text x="${x0}" y="${y0 - 8}" font-weight="bold" fill="${flagged ? color : "#000"}">${
      escape(s.name)
    }</text>`,
    `<rect x="${x0}" y="${y0}" width="${CHART_W}" height="${CHART_H}" fill="none" stroke="#ccc"/>`,
    `<text x="${x0 - 4}" y="${y0 + 4}" text-anchor="end" fill="#555">${max}</text>`,
    `<text x="${x0 - 4}" y="${y0 + CHART_H}" text-anchor="end" fill="#555">0</text>`,
    `<text x="${x0}" y="${y0 + CHART_H + 14}" fill="#555">${escape(xLabel)} 0</text>`,
    `<text x="${x0 + CHART_W}" y="${y0 + CHART_H + 14}" text-anchor="end" fill="#555">${lastMinute}</text>`,
  ];
  if (points.length > 1) {
    parts.push(`<polyline points="${points.join(" ")}" fill="none" stroke="${color}" stroke-width="2"/>`);
  }
  for (const p of points) {
    const [cx, cy] = p.split(",");
    parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${color}"/>`);
  }
  if (points.length === 0) parts.push(`<text x="${x0 + 6}" y="${y0 + 20}" fill="#999">no samples</text>`);
  return parts.join("\n");
}

/** 1, 2 or 5 times a power of ten, at or above `v`. */
function roundUp(v: number): number {
  const power = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * power).find((c) => c >= v)!;
}
