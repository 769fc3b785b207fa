/**
 * `deno task bench:matrix`: server CPU and delivered fps of our two transports at 720p30, 720p60,
 * 1080p30 and 1080p60 on full-screen motion, in one run, printed as a table (and written as
 * Markdown + JSON next to the main results). The main benchmark (`deno task bench`) compares with
 * noVNC; this one maps how the cost scales with size and frame rate.
 *
 * @module
 */
import { markdownTable, textTable } from "./table.ts";
import { runBenchmark } from "./run.ts";
import { machineInfo } from "./machine.ts";

/** One point of the matrix. */
export interface MatrixPoint {
  /** Screen size. */
  geometry: string;
  /** Frames per second asked for. */
  fps: number;
}

/** The points issue 3 asks for. */
export const MATRIX: readonly MatrixPoint[] = [
  { geometry: "1280x720", fps: 30 },
  { geometry: "1280x720", fps: 60 },
  { geometry: "1920x1080", fps: 30 },
  { geometry: "1920x1080", fps: 60 },
];

/** One measured row. */
export interface MatrixRow extends MatrixPoint {
  /** `selkies-websocket` or `selkies-webrtc`. */
  transport: string;
  /** Distinct content frames per second the page saw. */
  deliveredFps: number | null;
  /** The session's processes, % of one core. */
  serverCpu: number | null;
  /** Payload, Mbit/s. */
  mbps: number | null;
  /** Glass-to-glass p50, ms. */
  latencyP50: number | null;
  /** Why the case failed, if it did. */
  error: string | null;
}

const fixed = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined ? "-" : n.toFixed(digits);

/**
 * Turns rows into table cells (header first).
 *
 * @example
 * ```ts
 * import { matrixCells } from "./matrix.ts";
 * matrixCells([])[0][0]; // "mode"
 * ```
 */
export function matrixCells(rows: readonly MatrixRow[]): string[][] {
  return [
    ["mode", "transport", "delivered fps", "server CPU %", "Mbit/s", "g2g p50 ms"],
    ...rows.map((r) => [
      `${r.geometry.split("x")[1]}p${r.fps}`,
      r.transport.replace("selkies-", ""),
      r.error ? `failed: ${r.error.split("\n")[0]}` : fixed(r.deliveredFps),
      fixed(r.serverCpu, 0),
      fixed(r.mbps, 2),
      fixed(r.latencyP50, 0),
    ]),
  ];
}

async function main(): Promise<number> {
  const quick = Deno.args.includes("--quick");
  const out = new URL("./results", import.meta.url).pathname;
  const rows: MatrixRow[] = [];
  for (const point of MATRIX) {
    console.error(`bench:matrix: ${point.geometry} at ${point.fps} fps`);
    const report = await runBenchmark({
      peers: ["selkies-websocket", "selkies-webrtc"],
      contents: ["motion"],
      geometry: point.geometry,
      fps: point.fps,
      durationS: quick ? 3 : 10,
      warmupS: quick ? 1 : 2,
      progress: (line) => console.error(`  ${line}`),
    });
    for (const c of report.cases) {
      rows.push({
        ...point,
        transport: c.peer,
        deliveredFps: c.measurement?.fps ?? null,
        serverCpu: c.measurement?.serverCpu ?? null,
        mbps: c.measurement?.mbps ?? null,
        latencyP50: c.measurement?.latency.p50 ?? null,
        error: c.error,
      });
    }
  }
  const machine = await machineInfo();
  console.log(textTable(matrixCells(rows)));
  if (!quick) {
    await Deno.writeTextFile(`${out}/matrix.json`, JSON.stringify({ machine, rows }, null, 2) + "\n");
    await Deno.writeTextFile(
      `${out}/matrix.md`,
      `# Transport matrix (full-screen motion)\n\nMachine: ${JSON.stringify(machine)}\n\n` +
        markdownTable(matrixCells(rows)) + "\n",
    );
  }
  return rows.some((r) => r.error) ? 2 : 0;
}

if (import.meta.main) Deno.exit(await main());
