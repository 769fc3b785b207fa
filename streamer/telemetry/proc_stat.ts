/**
 * The one parser of `/proc/<pid>/stat` lines and the process-tree walk, shared by the session's telemetry
 * (CPU time and resident memory of its processes) and the benchmark (bench/procstat.ts re-exports them).
 *
 * @module
 */

/** One process as `/proc/<pid>/stat` describes it, with what the telemetry needs. */
export interface ProcSample {
  /** Process id. */
  pid: number;
  /** Parent process id. */
  ppid: number;
  /** User plus system time in clock ticks. */
  ticks: number;
  /** Resident set size in pages (the kernel's RSS counter, what `VmRSS` and SLURM's accounting show). */
  rssPages: number;
  /** When the process started, in clock ticks after boot: with the pid, it names one process for good. */
  startTicks: number;
}

/** Clock ticks per second (`getconf CLK_TCK`; 100 on every Linux this runs on). */
export const CLOCK_TICKS = 100;

/** Bytes per memory page (4096 on x86-64 and on the 4k-page arm64 kernels this runs on). */
export const PAGE_BYTES = 4096;

/**
 * Parses one `/proc/<pid>/stat` line; the command name may hold spaces and parentheses.
 *
 * @example
 * ```ts
 * import { parseProcStat } from "./proc_stat.ts";
 * const line = "42 (a (b) c) S 1 42 42 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 5000 1000000 250";
 * parseProcStat(line); // { pid: 42, ppid: 1, ticks: 10, rssPages: 250, startTicks: 5000 }
 * ```
 */
export function parseProcStat(line: string): ProcSample {
  const close = line.lastIndexOf(")");
  if (close < 0) throw new SyntaxError(`not a /proc stat line: ${line.slice(0, 80)}`);
  const rest = line.slice(close + 2).split(" ");
  // rest[0] is field 3 (state): utime and stime are fields 14 and 15, starttime 22, rss 24 (proc(5)).
  const field = (n: number) => Number(rest[n - 3] ?? 0);
  return {
    pid: Number(line.slice(0, line.indexOf(" "))),
    ppid: field(4),
    ticks: field(14) + field(15),
    rssPages: field(24),
    startTicks: field(22),
  };
}

/**
 * The pids in `all` that descend from (or are) one of `roots`, skipping any subtree whose root
 * `exclude` accepts.
 *
 * @example
 * ```ts
 * import { descendants } from "./proc_stat.ts";
 * const all = [{ pid: 1, ppid: 0 }, { pid: 2, ppid: 1 }, { pid: 3, ppid: 2 }];
 * descendants(all, [2]); // Set {2, 3}
 * ```
 */
export function descendants(
  all: readonly { pid: number; ppid: number }[],
  roots: readonly number[],
  exclude: (pid: number) => boolean = () => false,
): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const known = new Set(all.map((p) => p.pid));
  const found = new Set<number>();
  const queue = roots.filter((r) => known.has(r));
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (found.has(pid) || exclude(pid)) continue;
    found.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/**
 * Reads every process's stat now (processes that end meanwhile are skipped). Synchronous on purpose: procfs
 * answers from memory, and a sample of ~100 processes takes about a millisecond.
 *
 * @param proc Where procfs is mounted. @default {"/proc"}
 * @example
 * ```ts
 * import { readProcSamples } from "./proc_stat.ts";
 * readProcSamples().some((p) => p.pid === Deno.pid); // true
 * ```
 */
export function readProcSamples(proc = "/proc"): ProcSample[] {
  const out: ProcSample[] = [];
  for (const entry of Deno.readDirSync(proc)) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      out.push(parseProcStat(Deno.readTextFileSync(`${proc}/${entry.name}/stat`)));
    } catch { /* ended while we looked */ }
  }
  return out;
}
