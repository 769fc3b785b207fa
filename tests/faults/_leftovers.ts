/**
 * What a session leaves behind after a fault, read from /proc: its process tree (the streamer and every
 * descendant: Xvfb, desktop, media workers run in process groups of their own), the runtime folders
 * (`$TMPDIR/selkies-session-*`) they use, secret files readable by others, and listening TCP sockets.
 *
 * @module
 */
import { delay } from "../fixtures/async.ts";

/** A session's processes and runtime folders, taken while it runs. */
export interface SessionFootprint {
  /** The streamer and its descendants. */
  pids: number[];
  /** `selkies-session-*` folders (in their TMPDIR) named in their command lines or environments. */
  runtimeDirs: string[];
}

function parents(): Map<number, number> {
  const parent = new Map<number, number>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state !== "Z") parent.set(Number(entry.name), Number(ppid));
    } catch {
      // Gone meanwhile.
    }
  }
  return parent;
}

/**
 * The process `pid` and its live descendants.
 *
 * @example
 * ```ts
 * import { processTree } from "./_leftovers.ts";
 * processTree(Deno.pid).includes(Deno.pid); // true
 * ```
 */
export function processTree(pid: number): number[] {
  const parent = parents();
  if (!parent.has(pid)) return [];
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, of] of parent) if (of === tree[i]) tree.push(child);
  }
  return tree;
}

/**
 * The command line of a process (arguments joined by spaces), or "" when it is gone.
 *
 * @example
 * ```ts
 * import { commandLine } from "./_leftovers.ts";
 * commandLine(Deno.pid).length > 0; // true
 * ```
 */
export function commandLine(pid: number): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
}

/**
 * The session's footprint: the process tree of the streamer `pid` and the runtime folders it uses.
 *
 * @example
 * ```ts
 * import { sessionFootprint } from "./_leftovers.ts";
 * sessionFootprint(Deno.pid).pids.length; // >= 1
 * ```
 */
export function sessionFootprint(pid: number): SessionFootprint {
  const pids = processTree(pid);
  const dirs = new Set<string>();
  for (const p of pids) {
    for (const file of ["cmdline", "environ"]) {
      try {
        const text = Deno.readTextFileSync(`/proc/${p}/${file}`);
        for (const m of text.matchAll(/(?:\/[\w.-]+)*?\/selkies-session-[\w-]+/g)) dirs.add(m[0]);
      } catch {
        // Gone meanwhile, or not ours to read.
      }
    }
  }
  return { pids, runtimeDirs: [...dirs] };
}

/**
 * Regular files under `dir` that the group or others may read (secrets must be 0600), as `path mode`.
 *
 * @example
 * ```ts
 * import { openSecretFiles } from "./_leftovers.ts";
 * openSecretFiles("/nonexistent"); // []
 * ```
 */
export function openSecretFiles(dir: string): string[] {
  const open: string[] = [];
  const walk = (at: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(at)];
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${at}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (entry.isFile) {
        const mode = Deno.statSync(path).mode! & 0o777;
        if (mode & 0o077) open.push(`${path} ${mode.toString(8)}`);
      }
    }
  };
  walk(dir);
  return open;
}

/**
 * Inodes of the listening TCP sockets (IPv4 and IPv6) that the processes `pids` hold.
 *
 * @example
 * ```ts
 * import { listeningSockets } from "./_leftovers.ts";
 * listeningSockets([]); // []
 * ```
 */
export function listeningSockets(pids: number[]): string[] {
  const listening = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of Deno.readTextFileSync(table).split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === "0A") listening.add(cols[9]);
    }
  }
  const held: string[] = [];
  for (const pid of pids) {
    try {
      for (const fd of Deno.readDirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(Deno.readLinkSync(`/proc/${pid}/fd/${fd.name}`));
        if (m && listening.has(m[1])) held.push(`${pid}:${m[1]}`);
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return held;
}

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * What of `footprint` is still there after up to `timeoutMs` (live processes with their command lines,
 * runtime folders, listening sockets); empty lists when the session left nothing.
 *
 * @example
 * ```ts
 * import { leftovers } from "./_leftovers.ts";
 * await leftovers({ pids: [], runtimeDirs: [] }); // { processes: [], dirs: [], sockets: [] }
 * ```
 */
export async function leftovers(
  footprint: SessionFootprint,
  timeoutMs = 0,
): Promise<{ processes: string[]; dirs: string[]; sockets: string[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = footprint.pids.filter(alive);
    const left = {
      processes: live.map((pid) => `${pid} ${commandLine(pid).slice(0, 80)}`),
      dirs: footprint.runtimeDirs.filter(exists),
      sockets: listeningSockets(live),
    };
    if (!live.length && !left.dirs.length || Date.now() >= deadline) return left;
    await delay(250);
  }
}

/**
 * Ends what a fault left of a session (SIGKILL to each process, removes its runtime folders), so one
 * test's leak does not spill into the next.
 *
 * @example
 * ```ts
 * import { clearFootprint } from "./_leftovers.ts";
 * await clearFootprint({ pids: [], runtimeDirs: [] });
 * ```
 */
export async function clearFootprint(footprint: SessionFootprint): Promise<void> {
  for (const pid of footprint.pids.filter(alive)) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
  for (const dir of footprint.runtimeDirs) await Deno.remove(dir, { recursive: true }).catch(() => {});
}
