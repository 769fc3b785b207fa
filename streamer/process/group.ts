/**
 * A supervisor for the child processes of one streaming session: every child runs in its own
 * session and process group (via `setsid`) and carries a marker in its environment, so that
 * `stop()` can end the whole tree, daemons that re-parent or call `setsid` themselves included.
 *
 * @module
 */
import { getLog } from "../../log.ts";
import { findMarked, isAlive, signalTree } from "./_proc.ts";

const log = getLog("process");

/** How one supervised child ended. */
export interface ChildExit {
  /** The name given to {@linkcode ProcessGroup.spawn}. */
  name: string;
  /** The child's process id (also its process group and session id). */
  pid: number;
  /** Exit code (128 + signal number when killed by a signal). */
  code: number;
  /** The signal that ended it, if any. */
  signal: Deno.Signal | null;
}

/** Options for {@linkcode ProcessGroup.spawn}. */
export interface SpawnOptions {
  /** Arguments after the command. @default {[]} */
  args?: string[];
  /** Variables added to (and overriding) the inherited environment. */
  env?: Record<string, string>;
  /** Working directory. @default {the current one} */
  cwd?: string;
  /** Where stdin comes from. @default {"null"} */
  stdin?: "piped" | "null";
  /** Where stdout goes ("piped" to read it from `child.process.stdout`). @default {"null"} */
  stdout?: "piped" | "inherit" | "null";
  /** Where stderr goes. @default {"inherit"} */
  stderr?: "piped" | "inherit" | "null";
  /** An exit of this child is expected (a helper that runs and ends); no unexpected-exit report. */
  expectExit?: boolean;
}

/** A supervised child process. */
export interface Child {
  /** The name it was spawned under. */
  readonly name: string;
  /** Its pid, which is also its process group id. */
  readonly pid: number;
  /** The underlying Deno child (for piped stdio). */
  readonly process: Deno.ChildProcess;
  /** Resolves when the child itself has exited. */
  readonly exited: Promise<ChildExit>;
}

/** Options for {@linkcode ProcessGroup}. */
export interface ProcessGroupOptions {
  /** Called when a child ends while the group is not stopping (a crash of Xvfb, the desktop...). */
  onUnexpectedExit?: (exit: ChildExit) => void;
  /** Milliseconds between SIGTERM and SIGKILL in {@linkcode ProcessGroup.stop}. @default {3000} */
  graceMs?: number;
}

/**
 * Spawns and tracks child processes and ends all of them (and their descendants) on `stop()`.
 *
 * @example
 * ```ts
 * import { ProcessGroup } from "./group.ts";
 * const group = new ProcessGroup({ onUnexpectedExit: (e) => console.error(`${e.name} died`) });
 * group.spawn("sleeper", "sleep", { args: ["60"] });
 * await group.stop();
 * ```
 */
export class ProcessGroup {
  /** Environment marker inherited by every descendant; finds those that left the process group. */
  readonly marker: string = `SELKIES_PG=${crypto.randomUUID()}`;
  readonly #children = new Map<number, Child>();
  readonly #options: ProcessGroupOptions;
  #stopping: Promise<void> | null = null;

  constructor(options: ProcessGroupOptions = {}) {
    this.#options = options;
  }

  /** Whether {@linkcode ProcessGroup.stop} has been called. */
  get stopping(): boolean {
    return this.#stopping !== null;
  }

  /** The children still running. */
  get children(): Child[] {
    return [...this.#children.values()];
  }

  /**
   * Starts `command` in a new session and process group and tracks it.
   *
   * @example
   * ```ts
   * import { ProcessGroup } from "./group.ts";
   * const group = new ProcessGroup();
   * const child = group.spawn("true", "true", { expectExit: true });
   * await child.exited;
   * await group.stop();
   * ```
   */
  spawn(name: string, command: string, options: SpawnOptions = {}): Child {
    if (this.#stopping) throw new Error(`process group is stopping; not starting ${name}`);
    const [key, value] = this.marker.split("=");
    // setsid(1) execs in place (a Deno child is never a group leader), so pid == pgid == sid.
    const process = new Deno.Command("setsid", {
      args: [command, ...(options.args ?? [])],
      env: { ...options.env, [key]: value },
      cwd: options.cwd,
      stdin: options.stdin ?? "null",
      stdout: options.stdout ?? "null",
      stderr: options.stderr ?? "inherit",
    }).spawn();
    const pid = process.pid;
    const exited = process.status.then((status): ChildExit => {
      this.#children.delete(pid);
      const exit = { name, pid, code: status.code, signal: status.signal };
      if (!this.#stopping && !options.expectExit) {
        log.warn("{name} (pid {pid}) exited unexpectedly with code {code}", { ...exit });
        this.#options.onUnexpectedExit?.(exit);
      }
      return exit;
    });
    const child: Child = { name, pid, process, exited };
    this.#children.set(pid, child);
    log.debug("started {name} (pid {pid})", { name, pid });
    return child;
  }

  /**
   * Ends every child and every descendant: SIGTERM, then SIGKILL after the grace period.
   * Safe to call more than once; later calls wait for the first.
   *
   * @example
   * ```ts
   * import { ProcessGroup } from "./group.ts";
   * const group = new ProcessGroup({ graceMs: 500 });
   * group.spawn("sleeper", "sleep", { args: ["60"] });
   * await group.stop();
   * ```
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const graceMs = this.#options.graceMs ?? 3000;
    const leaders = [...this.#children.keys()];
    const members = () => [...new Set([...findMarked(this.marker), ...leaders])].filter(isAlive);
    signalTree(leaders, findMarked(this.marker), "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (members().length > 0 && Date.now() < deadline) await sleep(50);
    const left = members();
    if (left.length > 0) {
      log.warn("{count} process(es) ignored SIGTERM; sending SIGKILL", { count: left.length });
      signalTree(leaders, left, "SIGKILL");
    }
    await Promise.all([...this.#children.values()].map((c) => c.exited));
    // Descendants re-parented to init are reaped by it; wait until they are really gone.
    const until = Date.now() + 2000;
    while (members().length > 0 && Date.now() < until) await sleep(20);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
