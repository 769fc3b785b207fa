/**
 * `deno task bench:matrix`: server CPU and delivered fps of our two transports at 720p30, 720p60,
 * 1080p30 and 1080p60 on full-screen motion, in one run, printed as a table (and written as
 * Markdown + JSON next to the main results; not with `--quick`). The main benchmark (`deno task bench`)
 * compares with noVNC; this one maps how the cost scales with size and frame rate.
 *
 * @module
 */
import { machineInfo } from "./machine.ts";
import { runBenchmark } from "./run.ts";
import { markdownTable, textTable } from "./table.ts";

/** One measured row: a point of the matrix and one transport's numbers there. */
export interface MatrixRow {
  /** Screen size. */
  geometry: string;
  /** Frames per second asked for. */
  fps: number;
  /** `selkies-websocket` or `selkies-webrtc`. */
  transport: string;
  /** Distinct content frames per second the page saw (absent when the case failed). */
  deliveredFps?: number;
  /** The session's processes, % of one core. */
  serverCpu?: number | null;
  /** Payload, Mbit/s. */
  mbps?: number;
  /** Glass-to-glass p50, ms. */
  latencyP50?: number | null;
  /** Why the case failed, if it did. */
  error: string | null;
}

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
  const fixed = (n: number | null | undefined, digits = 1) =>
    n === null || n === undefined ? "-" : n.toFixed(digits);
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

/** The points measured: screen size and frames per second. */
const POINTS = [["1280x720", 30], ["1280x720", 60], ["1920x1080", 30], ["1920x1080", 60]] as const;

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const rows: MatrixRow[] = [];
  for (const [geometry, fps] of POINTS) {
    console.error(`bench:matrix: ${geometry} at ${fps} fps`);
    const { cases } = await runBenchmark({
      peers: ["selkies-websocket", "selkies-webrtc"],
      contents: ["motion"],
      geometry,
      fps,
      durationS: quick ? 3 : 10,
      warmupS: quick ? 1 : 2,
      progress: (line) => console.error(`  ${line}`),
    });
    for (const { peer: transport, measurement: m, error } of cases) {
      const numbers = {
        deliveredFps: m?.fps,
        serverCpu: m?.serverCpu,
        mbps: m?.mbps,
        latencyP50: m?.latency.p50,
      };
      rows.push({ geometry, fps, transport, ...numbers, error });
    }
  }
  const machine = await machineInfo();
  console.log(textTable(matrixCells(rows)));
  if (!quick) {
    const out = new URL("../docs/results", import.meta.url).pathname;
    await Deno.writeTextFile(`${out}/matrix.json`, JSON.stringify({ machine, rows }, null, 2) + "\n");
    const md = `# Transport matrix (full-screen motion)\n\nMachine: ${JSON.stringify(machine)}\n\n`;
    await Deno.writeTextFile(`${out}/matrix.md`, md + markdownTable(matrixCells(rows)) + "\n");
  }
  Deno.exit(rows.some((r) => r.error) ? 2 : 0);
}
