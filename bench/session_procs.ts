/**
 * Which processes belong to a desktop session under test, for CPU accounting: the process tree
 * of its roots, plus processes that left the tree (daemons) but carry a `SELKIES_PG` marker seen
 * in it, minus the benchmark's own content program (counted separately, the same on both sides).
 *
 * @module
 */
import type { ProcessSelector } from "./cpu_meter.ts";
import { cmdline, descendants, type ProcStat } from "./procstat.ts";

/** Marks the content program's command line (see content/stamp.ts). */
export const CONTENT_MARK = "bench/content/stamp.ts";

/**
 * Selects the session's server processes, the content program excluded.
 *
 * @example
 * ```ts
 * import { serverSelector } from "./session_procs.ts";
 * import { readAllStats } from "./procstat.ts";
 * serverSelector([Deno.pid])(await readAllStats()).has(Deno.pid); // true
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

function contentPids(all: readonly ProcStat[]): Set<number> {
  const roots = all.filter((p) => cmdline(p.pid).includes(CONTENT_MARK)).map((p) => p.pid);
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
