/**
 * Resources of the processes a soak watches, read from /proc: resident memory (`VmRSS`), threads (`Threads`) and
 * open file descriptors (entries of /proc/<pid>/fd), summed over each named group of processes (a browser is many
 * processes; a session may run several media workers).
 *
 * @module
 */

/** What one group of processes holds at one moment. */
export interface GroupUsage {
  /** Processes found in the group. */
  processes: number;
  /** Resident memory summed, bytes. */
  rssBytes: number;
  /** Threads summed. */
  threads: number;
  /** Open file descriptors summed. */
  fds: number;
}

/**
 * Parses the `VmRSS` (kB) and `Threads` lines of /proc/<pid>/status.
 *
 * @example
 * ```ts
 * import { parseStatus } from "./_soak_procs.ts";
 * parseStatus("Name:\tx\nVmRSS:\t  2048 kB\nThreads:\t7\n"); // { rssBytes: 2097152, threads: 7 }
 * ```
 */
export function parseStatus(text: string): { rssBytes: number; threads: number } {
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0);
  return { rssBytes: field("VmRSS") * 1024, threads: field("Threads") };
}

/**
 * Sums the usage of `pids` (processes that end meanwhile are left out).
 *
 * @example
 * ```ts
 * import { groupUsage } from "./_soak_procs.ts";
 * groupUsage([Deno.pid]).threads > 0; // true
 * ```
 */
export function groupUsage(pids: Iterable<number>): GroupUsage {
  const usage: GroupUsage = { processes: 0, rssBytes: 0, threads: 0, fds: 0 };
  for (const pid of pids) {
    try {
      const { rssBytes, threads } = parseStatus(Deno.readTextFileSync(`/proc/${pid}/status`));
      const fds = [...Deno.readDirSync(`/proc/${pid}/fd`)].length;
      usage.processes++;
      usage.rssBytes += rssBytes;
      usage.threads += threads;
      usage.fds += fds;
    } catch { /* ended while we looked */ }
  }
  return usage;
}
