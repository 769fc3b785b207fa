/**
 * The session's own processes, where the node has no usable cgroup v2 (SLURM's `proctrack/linuxproc`, cgroup
 * v1 nodes): the streamer and its process tree (the X server, PulseAudio, the desktop and everything started
 * from it, the media workers) plus the processes that left the tree but carry the session's process-group
 * marker (daemons that double-fork, e.g. dbus-daemon). Memory is the sum of their resident sets: shared pages
 * count once per process, as in SLURM's own `jobacct_gather/linux` accounting, so the figure errs high, never
 * low. CPU is the time their threads ran between two readings.
 *
 * @module
 */
import { CLOCK_TICKS, descendants, PAGE_BYTES, type ProcSample, readProcSamples } from "./proc_stat.ts";

/** One reading of the session's processes. */
export interface ProcessesReading {
  /** How many processes the session has now. */
  count: number;
  /** Their resident memory in all, bytes. */
  rssBytes: number;
  /**
   * CPU seconds they used since the previous reading (processes that ended in between lose their last part);
   * undefined on the first reading.
   */
  cpuSeconds?: number;
}

/** Options of {@linkcode SessionProcesses}. */
export interface SessionProcessesOptions {
  /** The process whose tree is the session. @default {Deno.pid} */
  root?: number;
  /** An environment entry (`KEY=value`) that marks the session's processes outside the tree. */
  marker?: string;
  /** Where procfs is mounted. @default {"/proc"} */
  proc?: string;
}

/**
 * Reads the session's processes' memory and CPU time from /proc.
 *
 * @example
 * ```ts
 * import { SessionProcesses } from "./procs.ts";
 * const processes = new SessionProcesses();
 * processes.read(); // the first reading: no CPU figure yet
 * const { rssBytes, cpuSeconds } = processes.read();
 * console.log(rssBytes > 0, cpuSeconds! >= 0); // true true
 * ```
 */
export class SessionProcesses {
  readonly #root: number;
  readonly #marker: string | undefined;
  readonly #proc: string;
  /** CPU ticks at the previous reading, by `pid:start` (a pid may be reused). */
  #ticks: Map<string, number> | undefined;
  /** Whether a process outside the tree carries the marker, by `pid:start` (its environment never changes). */
  #marked = new Map<string, boolean>();

  constructor(options: SessionProcessesOptions = {}) {
    this.#root = options.root ?? Deno.pid;
    this.#marker = options.marker;
    this.#proc = options.proc ?? "/proc";
  }

  /** Reads the processes now. */
  read(): ProcessesReading {
    const all = readProcSamples(this.#proc);
    const mine = this.#select(all);
    let rssPages = 0;
    let cpuTicks = 0;
    const ticks = new Map<string, number>();
    for (const p of mine) {
      rssPages += p.rssPages;
      const key = `${p.pid}:${p.startTicks}`;
      ticks.set(key, p.ticks);
      // A process new since the last reading ran only since then (or since a moment before it).
      cpuTicks += p.ticks - (this.#ticks?.get(key) ?? 0);
    }
    const first = this.#ticks === undefined;
    this.#ticks = ticks;
    return {
      count: mine.length,
      rssBytes: rssPages * PAGE_BYTES,
      cpuSeconds: first ? undefined : Math.max(0, cpuTicks) / CLOCK_TICKS,
    };
  }

  #select(all: ProcSample[]): ProcSample[] {
    const tree = descendants(all, [this.#root]);
    if (this.#marker) {
      const outside = all.filter((p) => !tree.has(p.pid) && this.#carriesMarker(p));
      for (const pid of descendants(all, outside.map((p) => p.pid))) tree.add(pid);
      const live = new Set(all.map((p) => `${p.pid}:${p.startTicks}`));
      for (const key of this.#marked.keys()) if (!live.has(key)) this.#marked.delete(key);
    }
    return all.filter((p) => tree.has(p.pid));
  }

  #carriesMarker(p: ProcSample): boolean {
    const key = `${p.pid}:${p.startTicks}`;
    let marked = this.#marked.get(key);
    if (marked === undefined) {
      try {
        const environ = new TextDecoder("latin1").decode(Deno.readFileSync(`${this.#proc}/${p.pid}/environ`));
        marked = environ.split("\0").includes(this.#marker!);
      } catch {
        marked = false; // another user's process, or gone
      }
      this.#marked.set(key, marked);
    }
    return marked;
  }
}
