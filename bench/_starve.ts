/**
 * The starved viewer of issue 10 (`deno task bench --starved`): the browser's processes pinned to one CPU
 * with `taskset`, and busy loops pinned to the same CPU, so that the page gets a fraction of a core (about
 * 1/(loops+1) when one of its threads is runnable). No cgroup is needed: this box's /sys/fs/cgroup has no v2
 * controllers, and `cpu.max` would not be ours to set on a shared machine anyway.
 *
 * The loops also end on their own, when the benchmark's process is gone or after `maxS` seconds, so nothing is
 * left spinning when the benchmark is killed (SIGKILL, or Playwright's SIGINT handler) and no `finally` runs.
 *
 * @module
 */
import type { ProcessSelector } from "./cpu_meter.ts";
import { readAllStats } from "./procstat.ts";

/** Options for {@linkcode startStarver}. */
export interface StarveOptions {
  /** Busy loops sharing the browser's CPU. @default {1} */
  loops?: number;
  /** The CPU the browser and the loops share. @default {the last CPU this process may use} */
  cpu?: number;
  /** Longest the loops may live, seconds (a safety net; {@linkcode Starver.stop} ends them sooner). */
  maxS: number;
}

/** Busy loops on one CPU, and a way to pin processes to it. */
export interface Starver {
  /** The CPU everything is pinned to. */
  readonly cpu: number;
  /** Busy loops running on it. */
  readonly loops: number;
  /** The loops' process ids. */
  readonly pids: readonly number[];
  /** Pins every thread of the selected processes to the CPU; returns how many processes it pinned. */
  pin(select: ProcessSelector): Promise<number>;
  /** Ends the loops and waits for them (safe to call twice). */
  stop(): Promise<void>;
}

/**
 * Starts `loops` busy loops pinned to one CPU.
 *
 * @example
 * ```ts
 * import { startStarver } from "./_starve.ts";
 * import { browserSelector } from "./session_procs.ts";
 * const starver = startStarver({ loops: 1, maxS: 5 });
 * try {
 *   await starver.pin(browserSelector("/tmp/selkies-chromium-profile"));
 * } finally {
 *   await starver.stop();
 * }
 * ```
 */
export function startStarver(options: StarveOptions): Starver {
  const loops = options.loops ?? 1;
  if (!Number.isInteger(loops) || loops < 1) throw new RangeError(`loops must be >= 1, got ${loops}`);
  const cpu = options.cpu ?? lastAllowedCpu();
  const children: Deno.ChildProcess[] = [];
  const stop = async () => {
    for (const child of children.splice(0)) {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.status;
    }
  };
  try {
    for (let i = 0; i < loops; i++) {
      // `taskset` execs bash, so the child is the loop itself. Builtins only (no fork per turn): it ends when
      // this process is gone (Playwright's own SIGINT handler exits the benchmark before any `finally` runs) or
      // after maxS seconds, whichever is first. The pid is written in, not read from `$PPID`: a parent that
      // exits before bash starts leaves `$PPID` naming init, which never goes away.
      const maxS = Math.ceil(options.maxS);
      const loop = `while ((SECONDS < ${maxS})) && kill -0 ${Deno.pid} 2>/dev/null; do :; done`;
      children.push(
        new Deno.Command("taskset", {
          args: ["-c", String(cpu), "bash", "-c", loop],
          stdin: "null",
          stdout: "null",
          stderr: "null",
        }).spawn(),
      );
    }
  } catch (error) {
    // taskset or bash missing: end the loops already started (their status is awaited by nobody, which is fine
    // for a process that got SIGKILL).
    for (const child of children) child.kill("SIGKILL");
    throw error;
  }
  return {
    cpu,
    loops,
    pids: children.map((c) => c.pid),
    async pin(select) {
      const pids = [...select(await readAllStats())];
      // `-a`: every thread; threads and processes started later inherit the mask from their creator.
      const results = await Promise.all(pids.map((pid) =>
        new Deno.Command("taskset", {
          args: ["-a", "-p", "-c", String(cpu), String(pid)],
          stdout: "null",
          stderr: "null",
        }).output()
      ));
      return results.filter((r) => r.success).length;
    },
    stop,
  };
}

/** The highest-numbered CPU in this process's affinity mask (from /proc, no FFI needed). */
function lastAllowedCpu(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const list = /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? "0";
  const last = list.split(",").at(-1)!.split("-").at(-1)!;
  return Number(last);
}
