/**
 * CPU time of process trees from /proc, for "server CPU % of one core" and the client's share.
 *
 * @module
 */

import { parseProcStat } from "../streamer/telemetry/proc_stat.ts";

// One parser of /proc stat lines and one tree walk, shared with the session's telemetry.
export { CLOCK_TICKS, descendants } from "../streamer/telemetry/proc_stat.ts";

/** One process as /proc/<pid>/stat describes it. */
export interface ProcStat {
  /** Process id. */
  pid: number;
  /** Parent process id. */
  ppid: number;
  /** User plus system time in clock ticks. */
  ticks: number;
}

/**
 * Parses one /proc/<pid>/stat line; the command name may hold spaces and parentheses.
 *
 * @example
 * ```ts
 * import { parseStat } from "./procstat.ts";
 * parseStat("42 (a (b) c) S 1 42 42 0 -1 0 0 0 0 0 7 3 0 0").ticks; // 10
 * ```
 */
export function parseStat(line: string): ProcStat {
  const { pid, ppid, ticks } = parseProcStat(line);
  return { pid, ppid, ticks };
}

/**
 * Reads every process's stat (processes that vanish meanwhile are skipped).
 *
 * @example
 * ```ts
 * import { readAllStats } from "./procstat.ts";
 * (await readAllStats()).length > 0; // true
 * ```
 */
export async function readAllStats(): Promise<ProcStat[]> {
  const out: ProcStat[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      out.push(parseStat(await Deno.readTextFile(`/proc/${entry.name}/stat`)));
    } catch { /* ended while we looked */ }
  }
  return out;
}

/**
 * A process's arguments (`argv[0]` first), or `[]` when it is gone.
 *
 * @example
 * ```ts
 * import { argv } from "./procstat.ts";
 * argv(Deno.pid).length > 0; // true
 * ```
 */
export function argv(pid: number): string[] {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").slice(0, -1);
  } catch {
    return [];
  }
}

/**
 * CPU ticks of every thread of `pids`, summed by `<process>/<thread name>`: GStreamer names its
 * streaming threads after their pads (`ximagesrc0:src` captures and converts, `queue0:src` encodes;
 * x264's workers inherit that name), deno processes are named by their script (`cli.ts` the
 * streamer, `worker.ts` the media worker).
 *
 * @example
 * ```ts
 * import { threadTicks } from "./procstat.ts";
 * threadTicks([Deno.pid]).size > 0; // true
 * ```
 */
export function threadTicks(pids: Iterable<number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of pids) {
    const args = argv(pid);
    const program = args[0]?.split("/").pop() ?? "?";
    const script = program === "deno" ? args.find((a) => a.endsWith(".ts")) : undefined;
    const name = script ? script.split("/").pop()! : program;
    let tasks: Deno.DirEntry[] = [];
    try {
      tasks = [...Deno.readDirSync(`/proc/${pid}/task`)];
    } catch { /* ended */ }
    for (const task of tasks) {
      try {
        const stat = parseStat(Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/stat`));
        const comm = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/comm`).trim();
        out.set(`${name}/${comm}`, (out.get(`${name}/${comm}`) ?? 0) + stat.ticks);
      } catch { /* ended */ }
    }
  }
  return out;
}
