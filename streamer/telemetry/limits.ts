/**
 * What the job may use, where its cgroup does not say: the memory it asked SLURM for (SLURM enforces it by
 * sampling RSS under `proctrack/linuxproc`, or not at all), else the node's memory; and its CPUs.
 *
 * @module
 */
import { availableParallelism } from "node:os";

const MIB = 1024 * 1024;

/**
 * The job's memory from SLURM's environment, bytes: `SLURM_MEM_PER_NODE` (MB, as SLURM counts: MiB), or
 * `SLURM_MEM_PER_CPU` times the job's CPUs on this node (`SLURM_CPUS_ON_NODE`, else `cpus`). Undefined when
 * the job did not ask (or outside SLURM); 0 ("all of the node's memory") counts as not asked.
 *
 * @example
 * ```ts
 * import { slurmMemoryLimit } from "./limits.ts";
 * slurmMemoryLimit({ SLURM_MEM_PER_NODE: "4096" }); // 4294967296
 * slurmMemoryLimit({ SLURM_MEM_PER_CPU: "1000", SLURM_CPUS_ON_NODE: "4" }); // 4194304000
 * slurmMemoryLimit({}); // undefined
 * ```
 */
export function slurmMemoryLimit(env: Record<string, string | undefined>, cpus?: number): number | undefined {
  const positive = (name: string) => {
    const n = Number(env[name]?.trim() || NaN);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  const perNode = positive("SLURM_MEM_PER_NODE");
  if (perNode !== undefined) return perNode * MIB;
  const perCpu = positive("SLURM_MEM_PER_CPU");
  const onNode = positive("SLURM_CPUS_ON_NODE") ?? cpus;
  return perCpu !== undefined && onNode !== undefined ? perCpu * onNode * MIB : undefined;
}

/**
 * The node's memory from /proc/meminfo text (`MemTotal`), bytes; undefined when it is not there.
 *
 * @example
 * ```ts
 * import { nodeMemory } from "./limits.ts";
 * nodeMemory("MemTotal:       24731980 kB\nMemFree: 1 kB\n"); // 25325547520
 * nodeMemory(Deno.readTextFileSync("/proc/meminfo"))! > 0; // true
 * ```
 */
export function nodeMemory(meminfo: string): number | undefined {
  const match = /^MemTotal:\s+(\d+)\s*kB/m.exec(meminfo);
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * The cores the job may use: its allocation's CPUs, else this machine's.
 *
 * @example
 * ```ts
 * import { allocatedCores } from "./limits.ts";
 * allocatedCores(4); // 4
 * allocatedCores(undefined) >= 1; // true
 * ```
 */
export function allocatedCores(cpus: number | undefined): number {
  return cpus ?? availableParallelism();
}
