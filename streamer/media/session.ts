/**
 * The parent side of media: one shared appsink worker for the WebSocket viewers (restarted within
 * ~0.5 s when it dies) and one worker per WebRTC viewer.
 *
 * @module
 */
import type { MediaFrame } from "../../protocol/protocol.ts";
import { getLog } from "../../log.ts";
import { MediaWorkerError } from "./errors.ts";
import type { IpcFrame } from "./_ipc.ts";
import type { WorkerConfig } from "./_protocol.ts";
import { type PeerOptions, startPeer, type WebRtcPeer } from "./_peer.ts";
import { chooseEncoder, type EncoderChoice, type EncoderPreference } from "./probe.ts";
import { WorkerProcess } from "./_worker_process.ts";
import { FrameStats } from "./_stats.ts";
import { Settle } from "./_settle.ts";

export type { PeerOptions, PeerSignalIn, PeerSignalOut, WebRtcPeer } from "./_peer.ts";

/** Settings of a media session. */
export interface MediaOptions {
  /** X display to capture, e.g. `:1`. */
  display: string;
  /** Xauthority file of that display. */
  xauthority: string;
  /** Width in pixels (even). */
  width: number;
  /** Height in pixels (even). */
  height: number;
  /** Frames per second. */
  fps: number;
  /** Encoder preference; `auto` probes. */
  encoder: EncoderPreference;
  /** Maximum video bitrate in kbit/s. */
  bitrateKbps: number;
  /** Capture audio from this PulseAudio server. */
  audio?: { pulseServer: string };
  /** CUDA device for nvh264enc. */
  cudaDevice?: number;
  /**
   * Most WebRTC viewers at once, each a worker process of its own (~95 MB and an encoder's CPU); more viewers
   * are refused WebRTC and stay on the WebSocket, whose one shared worker serves any number. @default {4}
   */
  maxPeers?: number;
}

/** Default of {@linkcode MediaOptions.maxPeers}. */
export const DEFAULT_MAX_PEERS = 4;

const RESTART_DELAY_MS = 200;
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 30_000;
const READY_TIMEOUT_MS = 15_000;
const log = getLog("media");

interface Subscriber {
  onFrame: (frame: MediaFrame) => void;
  needKey: boolean;
}

/**
 * Capture + encode for one desktop. Dispatches `error` events (`CustomEvent<Error>`) when a worker
 * fails; the shared worker is restarted unless it fails {@linkcode MAX_RESTARTS} times in 30 s.
 *
 * @example
 * ```ts ignore
 * import { MediaSession } from "./session.ts";
 * const media = new MediaSession({ display: ":1", xauthority: "/tmp/xa", width: 1280, height: 720,
 *   fps: 30, encoder: "auto", bitrateKbps: 4000 });
 * await media.start();
 * const unsubscribe = media.subscribe((frame) => ws.send(encodeMediaFrame(frame)));
 * ```
 */
export class MediaSession extends EventTarget {
  #options: MediaOptions;
  #choice: EncoderChoice | undefined;
  #worker: WorkerProcess | undefined;
  #subscribers = new Set<Subscriber>();
  #peers = new Set<WebRtcPeer>();
  #stopping = false;
  #active = new Settle((active) => {
    this.#updateSharedGate();
    for (const peer of this.#peers) peer.setActive(active);
  });
  /** What the shared worker's gate was last told (undefined: nothing sent to this worker yet). */
  #sharedOpen: boolean | undefined;
  #restarts: number[] = [];
  #relaunching: Promise<void> | undefined;
  #relaunchAgain = false;
  /** Frames per second the workers capture at: the ceiling of live fps changes. */
  #captureFps: number;
  #stats = new FrameStats();

  /** Creates the session; nothing runs before {@linkcode MediaSession.start}. */
  constructor(options: MediaOptions) {
    super();
    this.#options = { ...options };
    this.#captureFps = options.fps;
  }

  /** WebCodecs codec string of the video (after start). */
  get codec(): string {
    return this.#choice?.codec ?? "";
  }

  /** GStreamer element of the encoder (after start). */
  get encoder(): string {
    return this.#choice?.element ?? "";
  }

  /** Process id of the shared worker (for diagnostics and tests). */
  get workerPid(): number | undefined {
    return this.#worker?.pid;
  }

  /**
   * Chooses the encoder and starts the shared worker; resolves when its pipeline plays.
   *
   * @throws {EncoderUnavailableError} when the pinned encoder does not work.
   * @throws {MediaWorkerError} when the pipeline does not start.
   */
  async start(): Promise<void> {
    this.#choice = await chooseEncoder(this.#options.encoder);
    await this.#launch();
  }

  /**
   * Receives every frame; the first video frame is a keyframe (one is requested at once).
   * Returns the unsubscribe function.
   */
  subscribe(onFrame: (frame: MediaFrame) => void): () => void {
    const subscriber = { onFrame, needKey: true };
    this.#subscribers.add(subscriber);
    this.#updateSharedGate();
    this.requestKeyframe();
    return () => {
      this.#subscribers.delete(subscriber);
      this.#updateSharedGate();
    };
  }

  /** Asks the shared encoder for a keyframe. */
  requestKeyframe(): void {
    this.#worker?.send({ t: "keyframe" });
  }

  /**
   * Says whether the screen is changing: while inactive, every worker drops captured frames before
   * convert + encode (an idle desktop costs almost nothing); a keyframe request still gets its keyframe.
   * Call with `true` as soon as the screen changes (the next captured frame flows), with `false` once it
   * has been still for a while (see {@linkcode IdleTimer}); idle waits until the encoder has settled.
   *
   * @example
   * ```ts ignore
   * x11.onDamage(() => media.setActive(true));
   * ```
   */
  setActive(active: boolean): void {
    this.#active.request(active);
  }

  /** Whether the workers encode every frame (see {@linkcode MediaSession.setActive}). */
  get active(): boolean {
    return this.#active.applied;
  }

  /** Changes the bitrate cap live, for the shared worker and every WebRTC viewer. */
  setBitrate(kbps: number): void {
    this.#options.bitrateKbps = kbps;
    this.#worker?.send({ t: "bitrate", kbps });
    for (const peer of this.#peers) peer.setBitrate(kbps);
  }

  /**
   * Changes the frame rate: live up to the rate capture started at (frames are dropped before the
   * encoder); above it the shared worker restarts capturing faster (subscribers stay, keyframe first).
   */
  async setFps(fps: number): Promise<void> {
    this.#options.fps = fps;
    if (fps <= this.#captureFps) {
      this.#worker?.send({ t: "fps", fps });
      for (const peer of this.#peers) peer.setFps(fps);
      return;
    }
    this.#captureFps = fps;
    await this.#relaunch();
  }

  /**
   * Follows a new screen size: the shared worker restarts (subscribers stay, a keyframe comes first); each
   * WebRTC viewer's worker changes its capture and encoder size in place (the new size travels in-band, so
   * the browser's decoded video follows without a new offer).
   */
  async resize(width: number, height: number): Promise<void> {
    this.#options.width = width;
    this.#options.height = height;
    for (const peer of this.#peers) peer.resize(width, height);
    await this.#relaunch();
  }

  /** Video frames per second and video+audio kbit/s over the last two seconds. */
  stats(): { fps: number; kbps: number } {
    return this.#stats.read();
  }

  /**
   * Starts a WebRTC viewer: its own worker, whose offer arrives through `options.onSignal`.
   *
   * @throws {MediaWorkerError} (as a rejection) when the session is not running or already has
   * {@linkcode MediaOptions.maxPeers} WebRTC viewers.
   */
  createPeer(options: PeerOptions): Promise<WebRtcPeer> {
    if (!this.#choice || this.#stopping) {
      return Promise.reject(new MediaWorkerError("the media session is not running"));
    }
    const max = this.#options.maxPeers ?? DEFAULT_MAX_PEERS;
    if (this.#peers.size >= max) {
      return Promise.reject(
        new MediaWorkerError(
          `this session already streams to ${max} WebRTC viewers; this one uses WebSocket`,
        ),
      );
    }
    const peer = startPeer(this.#config("webrtc"), this.#env(), {
      ...options,
      onClose: () => {
        this.#peers.delete(peer);
        options.onClose();
      },
    });
    this.#peers.add(peer);
    // Workers start open: the first frames flow, and the gate closes after them when idle.
    if (!this.#active.applied) peer.setActive(false);
    return Promise.resolve(peer);
  }

  /** Stops every worker; resolves when all processes are gone. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#active.close();
    await Promise.all([this.#worker?.stop(), ...[...this.#peers].map((p) => p.close())]);
    this.#worker = undefined;
  }

  #config(mode: "appsink" | "webrtc"): WorkerConfig {
    const o = this.#options;
    const choice = this.#choice!;
    return {
      pipeline: {
        display: o.display,
        width: o.width,
        height: o.height,
        fps: o.fps,
        captureFps: Math.max(o.fps, this.#captureFps),
        encoder: choice.name,
        element: choice.element,
        bitrateKbps: o.bitrateKbps,
        mode,
        audio: o.audio,
        cudaDevice: o.cudaDevice,
        cpus: availableCpus(),
      },
    };
  }

  #env(): Record<string, string> {
    return { DISPLAY: this.#options.display, XAUTHORITY: this.#options.xauthority };
  }

  /**
   * Replaces the shared worker with one built from the current options. Calls while one runs are folded into
   * one more round after it (ten resizes in a row restart the worker twice, never run two workers at once).
   */
  #relaunch(): Promise<void> {
    if (this.#relaunching) {
      this.#relaunchAgain = true;
      return this.#relaunching;
    }
    const round = async () => {
      do {
        this.#relaunchAgain = false;
        const old = this.#worker;
        this.#worker = undefined; // So its exit is not taken for a crash.
        await old?.stop();
        if (this.#stopping) return;
        // A round whose options are already outdated may fail quietly: the next round replaces it.
        await this.#launch().catch((error) => {
          if (!this.#relaunchAgain) throw error;
        });
      } while (this.#relaunchAgain && !this.#stopping);
    };
    this.#relaunching = round().finally(() => this.#relaunching = undefined);
    return this.#relaunching;
  }

  #launch(): Promise<void> {
    for (const s of this.#subscribers) s.needKey = true;
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const timer = setTimeout(() => {
      reject(new MediaWorkerError(`the media worker did not start within ${READY_TIMEOUT_MS} ms`));
      worker.kill();
    }, READY_TIMEOUT_MS);
    let lastError = "";
    const worker: WorkerProcess = new WorkerProcess(this.#config("appsink"), this.#env(), {
      onMedia: (frame) => this.#dispatch(frame),
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
    this.#sharedOpen = undefined;
    this.#updateSharedGate();
    worker.exited.then((status) => {
      clearTimeout(timer);
      const error = new MediaWorkerError(
        `media worker ${worker.pid} exited (${status.signal ?? `code ${status.code}`})` +
          (lastError ? `: ${lastError}` : ""),
      );
      reject(error);
      if (this.#worker !== worker || this.#stopping) return;
      this.#worker = undefined;
      this.dispatchEvent(new CustomEvent("error", { detail: error }));
      this.#scheduleRestart(error);
    });
    return promise;
  }

  /**
   * The shared (WebSocket) worker encodes only while the screen changes AND someone subscribes:
   * with every viewer on WebRTC (or none at all) it would burn a core for nobody. A new subscriber
   * asks for a keyframe, which the worker answers even through a closed gate.
   */
  #updateSharedGate(): void {
    const open = this.#active.applied && this.#subscribers.size > 0;
    if (!this.#worker || open === this.#sharedOpen) return;
    this.#sharedOpen = open;
    this.#worker.send({ t: "gate", open });
  }

  #scheduleRestart(error: Error): void {
    const now = Date.now();
    this.#restarts = [...this.#restarts.filter((t) => now - t < RESTART_WINDOW_MS), now];
    if (this.#restarts.length > MAX_RESTARTS) {
      log.error("media worker keeps failing, giving up: {error}", { error: error.message });
      return;
    }
    log.warn("{error}; restarting", { error: error.message });
    setTimeout(() => {
      if (!this.#stopping && !this.#worker && !this.#relaunching) this.#launch().catch(() => {});
    }, RESTART_DELAY_MS);
  }

  #dispatch(frame: Extract<IpcFrame, { type: "video" | "audio" }>): void {
    this.#stats.add(frame.type, frame.payload.byteLength);
    if (frame.type === "video") this.#active.frame(frame.payload.byteLength, frame.key);
    const out: MediaFrame = {
      kind: frame.type,
      key: frame.key,
      timestampUs: frame.timestampUs,
      payload: frame.payload,
    };
    for (const s of this.#subscribers) {
      if (frame.type === "video") {
        if (s.needKey && !frame.key) continue;
        s.needKey = false;
      } else if (s.needKey) continue;
      try {
        s.onFrame(out);
      } catch (error) {
        log.warn("a media subscriber threw: {error}", { error: String(error) });
      }
    }
  }
}

/** CPUs this session may use: the job's allocation under SLURM, else the machine's. */
function availableCpus(): number {
  const slurm = Number(Deno.env.get("SLURM_CPUS_PER_TASK") ?? Deno.env.get("SLURM_CPUS_ON_NODE"));
  return Number.isInteger(slurm) && slurm > 0 ? slurm : navigator.hardwareConcurrency;
}
