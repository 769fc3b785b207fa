// /proc helpers for the process group: find marked descendants, test liveness, signal them.

const decoder = new TextDecoder();
const latin1 = new TextDecoder("latin1");

/** Pids of live processes whose environment holds `marker` (`KEY=value`). */
export function findMarked(marker: string): number[] {
  const found: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid) || pid === Deno.pid) continue;
    try {
      if (latin1.decode(Deno.readFileSync(`/proc/${pid}/environ`)).split("\0").includes(marker)) {
        found.push(pid);
      }
    } catch {
      // Gone meanwhile, or another user's process: not ours.
    }
  }
  return found;
}

/** Whether `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = decoder.decode(Deno.readFileSync(`/proc/${pid}/stat`));
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Sends `signal` to each leader's whole process group and to each listed pid; gone ones are skipped. */
export function signalTree(leaders: number[], pids: number[], signal: Deno.Signal): void {
  for (const leader of leaders) tryKill(-leader, signal);
  for (const pid of pids) tryKill(pid, signal);
}

function tryKill(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(pid, signal);
  } catch {
    // Already gone (ESRCH): nothing to end.
  }
}
