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
