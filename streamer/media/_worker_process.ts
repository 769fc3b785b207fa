/**
 * One media worker child process seen from the parent: spawn with a config, control messages, frames,
 * exit, and a stop that always ends the process.
 *
 * @module
 */
import { getLog } from "../../log.ts";
import { encodeIpc, type IpcFrame, readIpc } from "./_ipc.ts";
import type { FromWorker, ToWorker, WorkerConfig } from "./_protocol.ts";

const WORKER = new URL("./worker.ts", import.meta.url).pathname;
const STOP_GRACE_MS = 2000;
/** Default of {@linkcode WorkerHandlers.unresponsiveMs}: as long as a worker may take to start. */
export const UNRESPONSIVE_MS = 15_000;
const log = getLog("media", "worker");

/** What a worker delivers to its owner, and how patient its owner is. */
export interface WorkerHandlers {
  /** An encoded media frame (called synchronously from the read loop: keep it quick). */
  onMedia?: (frame: Extract<IpcFrame, { type: "video" | "audio" }>) => void;
  /** A control message. */
  onControl?: (message: FromWorker) => void;
  /**
   * The worker is killed when it has sent nothing (not even the answer to a ping) for this long: a worker
   * stuck in a native call (e.g. on a grabbed X server) must not live on. @default {15000}
   */
  unresponsiveMs?: number;
}

/** A running media worker. */
export class WorkerProcess {
  /** Resolves with the exit status once the process is gone and its output is read. */
  readonly exited: Promise<Deno.CommandStatus>;
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #heardAt = performance.now();

  /** Spawns `deno run -A worker.ts` with the X display in its environment and sends the config. */
  constructor(config: WorkerConfig, env: Record<string, string>, handlers: WorkerHandlers) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-config", WORKER],
      env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    this.send({ t: "start", config });
    const reading = this.#read(handlers);
    const logging = this.#logStderr();
    const watchdog = this.#watch(handlers.unresponsiveMs ?? UNRESPONSIVE_MS);
    this.exited = Promise.all([this.#child.status, reading, logging]).then(([status]) => {
      clearInterval(watchdog);
      return status;
    });
  }

  /** The process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** Sends a control message; ignored once the worker is gone. */
  send(message: ToWorker): void {
    this.#stdin.write(encodeIpc({ type: "control", message })).catch(() => {});
  }

  /** Asks the worker to stop, and kills it when it has not gone after a grace period. */
  async stop(): Promise<void> {
    this.send({ t: "stop" });
    const timer = setTimeout(() => this.kill(), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the worker at once (SIGKILL). */
  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }

  /** Pings the worker; kills it when it has been silent for `limitMs`. */
  #watch(limitMs: number): ReturnType<typeof setInterval> {
    const every = Math.max(50, Math.min(2000, limitMs / 4));
    const timer = setInterval(() => {
      const silentMs = performance.now() - this.#heardAt;
      if (silentMs <= limitMs) return this.send({ t: "ping" });
      log.warn("media worker {pid} has not answered for {ms} ms; killing it", {
        pid: this.pid,
        ms: Math.round(silentMs),
      });
      clearInterval(timer);
      this.kill();
    }, every);
    Deno.unrefTimer(timer);
    return timer;
  }

  async #read(handlers: WorkerHandlers): Promise<void> {
    try {
      for await (const frame of readIpc(this.#child.stdout)) {
        this.#heardAt = performance.now();
        if (frame.type === "control") handlers.onControl?.(frame.message as FromWorker);
        else handlers.onMedia?.(frame);
      }
    } catch (error) {
      log.warn("worker {pid} sent bad output: {error}", { pid: this.pid, error: String(error) });
      this.kill();
    }
    await this.#stdin.close().catch(() => {});
  }

  async #logStderr(): Promise<void> {
    let rest = "";
    for await (const chunk of this.#child.stderr.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!.slice(-4096);
      for (const line of lines) if (line.trim()) log.debug("[{pid}] {line}", { pid: this.pid, line });
    }
  }
}
