/**
 * Which processes belong to a desktop session under test, for CPU accounting: the process tree
 * of its roots, plus processes that left the tree (daemons) but carry a `SELKIES_PG` marker seen
 * in it, minus the benchmark's own content program (counted separately, the same on both sides).
 *
 * @module
 */
import type { ProcessSelector } from "./cpu_meter.ts";
import { STAMP_PATH } from "./peer.ts";
import { argv, descendants, type ProcStat, readAllStats } from "./procstat.ts";

/**
 * Selects the session's server processes, the content program excluded.
 *
 * @example
 * ```ts
 * import { serverSelector } from "./session_procs.ts";
 * import { readAllStats } from "./procstat.ts";
 * serverSelector(() => [Deno.pid])(await readAllStats()).has(Deno.pid); // true
 * ```
 */
export function serverSelector(roots: () => number[]): ProcessSelector {
  return (all) => {
    const content = contentPids(all);
    const tree = descendants(all, roots(), (pid) => content.has(pid));
    const markers = new Set([...tree].map(marker).filter((m): m is string => m !== null));
    if (markers.size === 0) return tree;
    for (const p of all) {
      if (!tree.has(p.pid) && !content.has(p.pid) && markers.has(marker(p.pid) ?? "")) tree.add(p.pid);
    }
    return tree;
  };
}

/**
 * Selects the content program and its children (xterm, the line printer).
 *
 * @example
 * ```ts
 * import { contentSelector } from "./session_procs.ts";
 * import { readAllStats } from "./procstat.ts";
 * contentSelector()(await readAllStats()).size >= 0; // true
 * ```
 */
export function contentSelector(): ProcessSelector {
  return contentPids;
}

/**
 * Selects a browser's processes: the main one started with `profile` as its user data folder (not
 * its `--type=` helpers, which mention it too) and everything under it.
 *
 * @example
 * ```ts
 * import { browserSelector } from "./session_procs.ts";
 * import { readAllStats } from "./procstat.ts";
 * browserSelector("/tmp/no-such-profile")(await readAllStats()).size; // 0
 * ```
 */
export function browserSelector(profile: string): ProcessSelector {
  return (all) => {
    const mains = all.filter((p) => {
      const args = argv(p.pid);
      return args.some((a) => a.includes(profile)) && !args.some((a) => a.startsWith("--type="));
    });
    return descendants(all, mains.map((p) => p.pid));
  };
}

function contentPids(all: readonly ProcStat[]): Set<number> {
  // An argument equal to the program's path: a command line that merely mentions it inside a
  // longer string (the streamer's --desktop flag, its `sh -c`) is not the content.
  const roots = all.filter((p) => argv(p.pid).includes(STAMP_PATH)).map((p) => p.pid);
  return descendants(all, roots);
}

function marker(pid: number): string | null {
  try {
    const env = Deno.readTextFileSync(`/proc/${pid}/environ`).split("\0");
    return env.find((e) => e.startsWith("SELKIES_PG=")) ?? null;
  } catch {
    return null;
  }
}

/**
 * The `SELKIES_PG` markers carried by a process tree (the streamer's own process groups).
 *
 * @example
 * ```ts
 * import { treeMarkers } from "./session_procs.ts";
 * import { readAllStats } from "./procstat.ts";
 * treeMarkers(await readAllStats(), Deno.pid) instanceof Set; // true
 * ```
 */
export function treeMarkers(all: readonly ProcStat[], root: number): Set<string> {
  return new Set([...descendants(all, [root])].map(marker).filter((m): m is string => m !== null));
}

/**
 * Ends the processes that still carry one of `markers` (left behind by a session that did not
 * clean up): SIGTERM, then SIGKILL after `graceMs`. Returns how many there were.
 *
 * @example
 * ```ts
 * import { endMarked } from "./session_procs.ts";
 * await endMarked(new Set()); // 0
 * ```
 */
export async function endMarked(markers: ReadonlySet<string>, graceMs = 2000): Promise<number> {
  if (markers.size === 0) return 0;
  const find = async () =>
    (await readAllStats()).map((p) => p.pid).filter((pid) => markers.has(marker(pid) ?? ""));
  const left = await find();
  const signal = (pids: number[], sig: Deno.Signal) => {
    for (const pid of pids) {
      try {
        Deno.kill(pid, sig);
      } catch { /* already gone */ }
    }
  };
  signal(left, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && (await find()).length > 0) await new Promise((r) => setTimeout(r, 50));
  signal(await find(), "SIGKILL");
  return left.length;
}
