/**
 * CPU time of process trees from /proc, for "server CPU % of one core" and the client's share.
 *
 * @module
 */

/** One process as /proc/<pid>/stat describes it. */
export interface ProcStat {
  /** Process id. */
  pid: number;
  /** Parent process id. */
  ppid: number;
  /** User plus system time in clock ticks. */
  ticks: number;
}

/** Clock ticks per second (`getconf CLK_TCK`; 100 on every Linux this runs on). */
export const CLOCK_TICKS = 100;

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
  const close = line.lastIndexOf(")");
  if (close < 0) throw new SyntaxError(`not a /proc stat line: ${line.slice(0, 80)}`);
  const rest = line.slice(close + 2).split(" ");
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  return {
    pid: Number(line.slice(0, line.indexOf(" "))),
    ppid: Number(rest[1]),
    ticks: Number(rest[11]) + Number(rest[12]),
  };
}

/**
 * The pids in `all` that descend from (or are) one of `roots`, skipping any subtree whose root
 * `exclude` accepts.
 *
 * @example
 * ```ts
 * import { descendants } from "./procstat.ts";
 * const all = [{ pid: 1, ppid: 0, ticks: 0 }, { pid: 2, ppid: 1, ticks: 0 }, { pid: 3, ppid: 2, ticks: 0 }];
 * descendants(all, [2]); // Set {2, 3}
 * ```
 */
export function descendants(
  all: readonly ProcStat[],
  roots: readonly number[],
  exclude: (pid: number) => boolean = () => false,
): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const found = new Set<number>();
  const queue = roots.filter((r) => all.some((p) => p.pid === r));
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (found.has(pid) || exclude(pid)) continue;
    found.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
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
