/**
 * The shared appsink worker of a media session (the WebSocket viewers' encoder): started, replaced with new
 * settings one round at a time, and restarted within ~0.5 s when it dies, unless it keeps dying.
 *
 * @module
 */
import { getLog } from "../../log.ts";
import { MediaWorkerError } from "./errors.ts";
import type { IpcFrame } from "./_ipc.ts";
import type { ToWorker, WorkerConfig } from "./_protocol.ts";
import type { SpawnWorker } from "./_peer.ts";
import type { WorkerProcess } from "./_worker_process.ts";

const RESTART_DELAY_MS = 200;
/** Restarts allowed within {@linkcode RESTART_WINDOW_MS} before giving up. */
export const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 30_000;
const READY_TIMEOUT_MS = 15_000;
const log = getLog("media");

/** What the shared worker reports to its session. */
export interface SharedWorkerEvents {
  /** An encoded frame. */
  onMedia(frame: Extract<IpcFrame, { type: "video" | "audio" }>): void;
  /** A new worker starts: its first video frame will be a keyframe. */
  onLaunch(): void;
  /** The worker died unasked (a restart follows unless it keeps dying). */
  onCrash(error: MediaWorkerError): void;
  /** The worker kept dying (more than {@linkcode MAX_RESTARTS} times within 30 s): no restart follows. */
  onGiveUp(error: MediaWorkerError): void;
}

/**
 * One shared worker at a time, always built from the session's current settings.
 *
 * @example
 * ```ts
 * import { SharedWorker } from "./_shared_worker.ts";
 * import type { SpawnWorker } from "./_peer.ts";
 * import type { WorkerConfig } from "./_protocol.ts";
 * declare const spawn: SpawnWorker, config: (sink: "appsink") => WorkerConfig;
 * const onMedia = (frame: { type: "video" | "audio" }) => console.log(frame.type);
 * const shared = new SharedWorker(spawn, () => config("appsink"), {
 *   onMedia,
 *   onLaunch() {},
 *   onCrash() {},
 *   onGiveUp: (error) => console.error(`media ended: ${error.message}`),
 * });
 * await shared.start();
 * shared.send({ t: "keyframe" });
 * ```
 */
export class SharedWorker {
  readonly #spawn: SpawnWorker;
  readonly #config: () => WorkerConfig;
  readonly #events: SharedWorkerEvents;
  #worker: WorkerProcess | undefined;
  #stopped = false;
  #restarts: number[] = [];
  #relaunching: Promise<void> | undefined;
  #relaunchAgain = false;
  /** The gate the session wants, and what the current worker was last told. */
  #gate = true;
  #gateSent: boolean | undefined;
  /** Whether some viewer has room for a frame (pacing), and what the current worker was last told. */
  #pace = true;
  #paceSent: boolean | undefined;

  /** Creates the handle; nothing runs before {@linkcode SharedWorker.start}. */
  constructor(spawn: SpawnWorker, config: () => WorkerConfig, events: SharedWorkerEvents) {
    this.#spawn = spawn;
    this.#config = config;
    this.#events = events;
  }

  /** Process id of the current worker. */
  get pid(): number | undefined {
    return this.#worker?.pid;
  }

  /** Sends a control message to the current worker (dropped while none runs). */
  send(message: ToWorker): void {
    this.#worker?.send(message);
  }

  /** Opens or closes the worker's capture gate (remembered for the next worker). */
  setGate(open: boolean): void {
    this.#gate = open;
    if (!this.#worker || open === this.#gateSent) return;
    this.#gateSent = open;
    this.#worker.send({ t: "gate", open });
  }

  /** Lets the worker encode (`true`: some viewer has room) or holds it (remembered for the next worker). */
  setPace(open: boolean): void {
    this.#pace = open;
    if (!this.#worker || open === this.#paceSent) return;
    this.#paceSent = open;
    this.#worker.send({ t: "pace", open });
  }

  /**
   * Starts the worker; resolves when its pipeline plays.
   *
   * @throws {MediaWorkerError} when it does not start.
   */
  start(): Promise<void> {
    return this.#launch();
  }

  /**
   * Replaces the worker with one built from the current settings. Calls while one runs are folded into one
   * more round after it: ten resizes in a row restart the worker twice, never run two workers at once.
   */
  relaunch(): Promise<void> {
    if (this.#relaunching) {
      this.#relaunchAgain = true;
      return this.#relaunching;
    }
    const rounds = async () => {
      do {
        this.#relaunchAgain = false;
        const old = this.#worker;
        this.#worker = undefined; // So its exit is not taken for a crash.
        await old?.stop();
        if (this.#stopped) return;
        // A round whose settings are already outdated may fail quietly: the next round replaces it.
        await this.#launch().catch((error) => {
          if (!this.#relaunchAgain) throw error;
        });
      } while (this.#relaunchAgain && !this.#stopped);
    };
    this.#relaunching = rounds().finally(() => this.#relaunching = undefined);
    return this.#relaunching;
  }

  /** Stops the worker for good; resolves when it is gone. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.stop();
  }

  #launch(): Promise<void> {
    this.#events.onLaunch();
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const timer = setTimeout(() => {
      reject(new MediaWorkerError(`the media worker did not start within ${READY_TIMEOUT_MS} ms`));
      worker.kill();
    }, READY_TIMEOUT_MS);
    let lastError = "";
    const worker: WorkerProcess = this.#spawn(this.#config(), {
      onMedia: (frame) => this.#events.onMedia(frame),
      onControl: (message) => {
        if (message.t === "ready") {
          clearTimeout(timer);
          log.info("media worker {pid} playing: {description}", { pid: worker.pid, ...message });
          resolve();
        }
        if (message.t === "error") lastError = message.message;
      },
    });
    this.#worker = worker;
    this.#gateSent = undefined;
    this.setGate(this.#gate);
    this.#paceSent = undefined;
    this.setPace(this.#pace);
    worker.exited.then((status) => {
      clearTimeout(timer);
      const error = new MediaWorkerError(
        `media worker ${worker.pid} exited (${status.signal ?? `code ${status.code}`})` +
          (lastError ? `: ${lastError}` : ""),
      );
      reject(error);
      if (this.#worker !== worker || this.#stopped) return;
      this.#worker = undefined;
      this.#events.onCrash(error);
      this.#scheduleRestart(error);
    });
    return promise;
  }

  #scheduleRestart(error: MediaWorkerError): void {
    const now = Date.now();
    this.#restarts = [...this.#restarts.filter((t) => now - t < RESTART_WINDOW_MS), now];
    if (this.#restarts.length > MAX_RESTARTS) {
      log.error("media worker keeps failing, giving up: {error}", { error: error.message });
      this.#events.onGiveUp(error);
      return;
    }
    log.warn("{error}; restarting", { error: error.message });
    setTimeout(() => {
      if (!this.#stopped && !this.#worker && !this.#relaunching) this.#launch().catch(() => {});
    }, RESTART_DELAY_MS);
  }
}
