/**
 * Process helpers of the harness: pid liveness, and finding every process that holds a
 * file under a folder (how stray slurmstepd processes of one cluster are told from another's).
 *
 * @module
 */
import { delay } from "../fixtures/async.ts";

/**
 * Tells whether a process exists (and is not a zombie).
 *
 * @example
 * ```ts
 * import { isAlive } from "./_procs.ts";
 * isAlive(Deno.pid); // true
 * ```
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // The state letter follows the command name in parentheses.
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/**
 * Returns a process's parent pid; undefined when it is gone.
 *
 * @example
 * ```ts
 * import { parentPid } from "./_procs.ts";
 * parentPid(Deno.pid);
 * ```
 */
export function parentPid(pid: number): number | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/**
 * Sends a signal to a process group, then to the process itself; missing processes are ignored.
 *
 * @example
 * ```ts
 * import { signalTree } from "./_procs.ts";
 * signalTree(12345, "SIGTERM");
 * ```
 */
export function signalTree(pid: number, signal: Deno.Signal): void {
  for (const target of [-pid, pid]) {
    try {
      Deno.kill(target, signal);
    } catch {
      // Already gone, or not a group leader.
    }
  }
}

/**
 * Reads a pid file; undefined when it is missing or holds no number.
 *
 * @example
 * ```ts
 * import { readPidFile } from "./_procs.ts";
 * readPidFile("/tmp/x/slurmd.pid");
 * ```
 */
export function readPidFile(path: string): number | undefined {
  try {
    const pid = Number.parseInt(Deno.readTextFileSync(path).trim(), 10);
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lists the pids (other than this process) that have a file under `dir` open or as their cwd.
 *
 * @example
 * ```ts
 * import { pidsHolding } from "./_procs.ts";
 * pidsHolding("/tmp/selkies-slurm-abc");
 * ```
 */
export function pidsHolding(dir: string): number[] {
  const found: number[] = [];
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  const under = (p: string) => p === dir || p.startsWith(prefix);
  for (const entry of Deno.readDirSync("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid) || pid === Deno.pid) continue;
    try {
      if (under(Deno.readLinkSync(`/proc/${pid}/cwd`))) {
        found.push(pid);
        continue;
      }
      for (const fd of Deno.readDirSync(`/proc/${pid}/fd`)) {
        try {
          if (under(Deno.readLinkSync(`/proc/${pid}/fd/${fd.name}`))) {
            found.push(pid);
            break;
          }
        } catch {
          // fd closed meanwhile
        }
      }
    } catch {
      // process gone meanwhile
    }
  }
  return found;
}

/**
 * Waits until none of `pids` is alive, up to `timeoutMs`; returns those still alive.
 *
 * @example
 * ```ts
 * import { waitGone } from "./_procs.ts";
 * const left = await waitGone([12345], 2000);
 * ```
 */
export async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await delay(50);
    alive = alive.filter(isAlive);
  }
  return alive;
}
