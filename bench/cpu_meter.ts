/**
 * Measures the CPU a set of processes uses over a window, as % of one core.
 *
 * @module
 */
import { CLOCK_TICKS, type ProcStat, readAllStats } from "./procstat.ts";

/** Picks the pids to count from a snapshot of all processes. */
export type ProcessSelector = (all: readonly ProcStat[]) => Set<number>;

/** A running CPU measurement; see {@linkcode startCpuMeter}. */
export interface CpuMeter {
  /** Ends the window and returns the % of one core used by the selected processes. */
  stop(): Promise<number>;
}

/**
 * Starts measuring the selected processes; the selection is taken again at the end so that
 * processes born during the window count too.
 *
 * @example
 * ```ts
 * import { startCpuMeter } from "./cpu_meter.ts";
 * const meter = await startCpuMeter(() => new Set([Deno.pid]));
 * const percent = await meter.stop();
 * ```
 */
export async function startCpuMeter(select: ProcessSelector): Promise<CpuMeter> {
  const before = await readAllStats();
  const startTicks = new Map(before.map((p) => [p.pid, p.ticks]));
  const startSet = select(before);
  const t0 = performance.now();
  return {
    async stop() {
      const after = await readAllStats();
      const seconds = (performance.now() - t0) / 1000;
      const chosen = new Set([...startSet, ...select(after)]);
      let ticks = 0;
      for (const p of after) {
        if (chosen.has(p.pid)) ticks += p.ticks - (startSet.has(p.pid) ? startTicks.get(p.pid) ?? 0 : 0);
      }
      return Math.round((ticks / CLOCK_TICKS / seconds) * 1000) / 10;
    },
  };
}

/**
 * Parses the aggregate `cpu` line of /proc/stat into busy and total clock ticks.
 *
 * @example
 * ```ts
 * import { parseCpuLine } from "./cpu_meter.ts";
 * parseCpuLine("cpu  10 0 5 80 5 0 0 0 0 0"); // { busy: 15, total: 100 }
 * ```
 */
export function parseCpuLine(line: string): { busy: number; total: number } {
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 4 || f.some(Number.isNaN)) throw new SyntaxError(`not a /proc/stat cpu line: ${line}`);
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - f[3] - (f[4] ?? 0), total };
}

/**
 * Starts measuring the whole machine's CPU use (every process, ours and others').
 *
 * @example
 * ```ts
 * import { startSystemMeter } from "./cpu_meter.ts";
 * const meter = await startSystemMeter();
 * await meter.stop(); // % of one core, e.g. 35.2
 * ```
 */
export async function startSystemMeter(): Promise<CpuMeter> {
  const read = async () => parseCpuLine((await Deno.readTextFile("/proc/stat")).split("\n")[0]);
  const before = await read();
  return {
    async stop() {
      const after = await read();
      const total = after.total - before.total;
      const share = total > 0 ? (after.busy - before.busy) / total : 0;
      return Math.round(share * navigator.hardwareConcurrency * 1000) / 10;
    },
  };
}
