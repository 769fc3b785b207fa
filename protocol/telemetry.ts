/**
 * The job's telemetry as viewers see it: CPU and memory of the job against its allocation, its GPUs, the node.
 * The streamer samples it (streamer/telemetry/) every couple of seconds while someone watches and sends it to
 * every viewer; the client's panel (web/client/telemetry_panel.ts) shows it. The memory warning threshold is
 * here because both ends use it: the streamer warns when it is passed, the panel colours the figure.
 * Zod-free: the browser bundle imports it.
 *
 * @module
 */

/** Use of memory, as a fraction of the limit, at which the viewers are warned before the kernel kills. */
export const MEMORY_WARN_FRACTION = 0.9;

/** Below this fraction the warning is re-armed (so a use that hovers at the threshold warns once). */
export const MEMORY_REARM_FRACTION = 0.85;

/**
 * Where the CPU and memory figures come from:
 * - `cgroup`: the job's cgroup v2 (`cpu.stat`, `memory.current`): everything the job runs, page cache included;
 * - `processes`: the session's own process tree from /proc (CPU time and resident memory of the streamer, the
 *   X server, the desktop and everything started from it), where the node has no usable cgroup v2.
 */
export type TelemetrySource = "cgroup" | "processes";

/**
 * Where the memory limit comes from:
 * - `cgroup`: the cgroup's `memory.max` (what the kernel enforces);
 * - `slurm`: the job's request (`SLURM_MEM_PER_NODE`, or `SLURM_MEM_PER_CPU` times its CPUs);
 * - `node`: neither: the node's whole memory.
 */
export type MemoryLimitSource = "cgroup" | "slurm" | "node";

/** One GPU of the job. Figures the driver does not report (`[N/A]`) are `null`. */
export interface GpuUsage {
  /** The driver's index of the GPU (`nvidia-smi` numbering). */
  index: number;
  /** The GPU's UUID, e.g. `GPU-5b1b...`. */
  uuid: string;
  /** The product name, e.g. `NVIDIA H200`. */
  name: string;
  /** Percent of the last sample period in which a kernel ran on the GPU. */
  utilizationPercent: number | null;
  /** GPU memory in use, bytes. */
  memoryUsedBytes: number | null;
  /** GPU memory in all, bytes. */
  memoryTotalBytes: number | null;
}

/** The job's telemetry, sent to every viewer every couple of seconds while someone watches. */
export interface TelemetryMessage {
  t: "telemetry";
  /** The compute node's name. */
  node: string;
  /** Where the CPU and memory figures come from. */
  source: TelemetrySource;
  /** CPU: cores busy on average over the last sample period, against the cores allocated. */
  cpu: { usedCores: number; allocatedCores: number };
  /** Memory in use against the limit. `oomKills`: processes the kernel killed for memory (cgroup only). */
  memory: { usedBytes: number; limitBytes: number; limitSource: MemoryLimitSource; oomKills?: number };
  /** The job's GPUs; absent where the node has no `nvidia-smi` (or it fails: see `gpuError`). */
  gpus?: GpuUsage[];
  /** Why there are no GPU figures although the node has `nvidia-smi`. */
  gpuError?: string;
}

/**
 * CPU use in percent of the allocation (100 = every allocated core busy).
 *
 * @example
 * ```ts
 * import { cpuPercent } from "./telemetry.ts";
 * cpuPercent({ usedCores: 1, allocatedCores: 4 }); // 25
 * ```
 */
export function cpuPercent(cpu: TelemetryMessage["cpu"]): number {
  return cpu.allocatedCores > 0 ? (100 * cpu.usedCores) / cpu.allocatedCores : 0;
}

/**
 * Memory use as a fraction of the limit (0 when the limit is unknown).
 *
 * @example
 * ```ts
 * import { memoryFraction, MEMORY_WARN_FRACTION } from "./telemetry.ts";
 * const memory = { usedBytes: 950, limitBytes: 1000, limitSource: "slurm" as const };
 * memoryFraction(memory) >= MEMORY_WARN_FRACTION; // true
 * ```
 */
export function memoryFraction(memory: TelemetryMessage["memory"]): number {
  return memory.limitBytes > 0 ? memory.usedBytes / memory.limitBytes : 0;
}
