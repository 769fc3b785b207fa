/**
 * The parent side of media: one shared appsink worker for the WebSocket viewers (restarted within
 * ~0.5 s when it dies) and one worker per WebRTC viewer, at most `maxPeers`; all killable at once.
 *
 * @module
 */
import type { MediaFrame } from "../../protocol/protocol.ts";
import { SCREEN_CODEC } from "../../protocol/screen_update.ts";
import { abortable } from "../../abortable.ts";
import { getLog } from "../../log.ts";
import { MediaWorkerError } from "./errors.ts";
import type { IpcFrame } from "./_ipc.ts";
import { SharedWorker } from "./_shared_worker.ts";
import type { WorkerConfig } from "./_protocol.ts";
import { type PeerOptions, startPeer, type WebRtcPeer } from "./_peer.ts";
import { chooseEncoder, type EncoderChoice } from "./probe.ts";
import { availableCpus, DEFAULT_MAX_PEERS, type MediaOptions } from "./options.ts";
import { type WorkerHandlers, WorkerProcess } from "./_worker_process.ts";
import { FrameStats } from "./_stats.ts";
import { Settle } from "./_settle.ts";
import { type SubscribeOptions, Subscribers } from "./_subscribers.ts";

export type { PeerOptions, PeerSignalIn, PeerSignalOut, WebRtcPeer } from "./_peer.ts";
export { DEFAULT_MAX_PEERS, type MediaOptions } from "./options.ts";
export type { SubscribeOptions } from "./_subscribers.ts";

const log = getLog("media");

/**
 * Capture + encode for one desktop. Dispatches `error` events (`CustomEvent<Error>`) when a worker
 * fails; the shared worker is restarted unless it keeps failing (more than 5 times in 30 s), and then
 * {@linkcode MediaSession.gaveUp} resolves.
 * Every worker is a process of its own; {@linkcode MediaSession.killAll} ends them all at once.
 *
 * @example
 * ```ts
 * import { MediaSession } from "./session.ts";
 * import { encodeMediaFrame } from "../../protocol/framing.ts";
 * declare const ws: WebSocket; // a viewer's
 * const media = new MediaSession({ display: ":1", xauthority: "/tmp/xa", width: 1280, height: 720,
 *   fps: 30, encoder: "auto", bitrateKbps: 4000 });
 * await media.start();
 * const unsubscribe = media.subscribe((frame) => ws.send(encodeMediaFrame(frame)));
 * ```
 */
export class MediaSession extends EventTarget {
  #options: MediaOptions;
  #choice: EncoderChoice | undefined;
  #shared = new SharedWorker(
    (config, handlers) => this.#spawn(config, handlers),
    () => this.#config("appsink"),
    {
      onMedia: (frame) => this.#dispatch(frame),
      onLaunch: () => {
        this.#subscribers.needKeyframe();
        this.#updateSharedGate();
      },
      onCrash: (error) => this.dispatchEvent(new CustomEvent("error", { detail: error })),
      onGiveUp: (error) => this.#gaveUp.resolve(error),
    },
  );
  #subscribers = new Subscribers();
  #peers = new Set<WebRtcPeer>();
  /** Every worker process alive, shared or not: what {@linkcode MediaSession.killAll} ends. */
  #processes = new Set<WorkerProcess>();
  #stopping = false;
  #gaveUp = Promise.withResolvers<MediaWorkerError>();
  #active = new Settle((active) => {
    this.#updateSharedGate();
    for (const peer of this.#peers) peer.setActive(active);
  });
  #stats = new FrameStats();

  /** Creates the session; nothing runs before {@linkcode MediaSession.start}. */
  constructor(options: MediaOptions) {
    super();
    this.#options = { ...options };
  }

  /**
   * What the WebSocket viewers decode (after start): the WebCodecs codec string of the video, or
   * {@linkcode SCREEN_CODEC} for screen updates (hybrid encoding).
   */
  get codec(): string {
    if (!this.#choice) return "";
    return this.#options.encoding === "hybrid" ? SCREEN_CODEC : this.#choice.codec;
  }

  /** WebCodecs codec string of the H.264 video (inside screen updates too), after start. */
  get videoCodec(): string {
    return this.#choice?.codec ?? "";
  }

  /** GStreamer element of the encoder (after start). */
  get encoder(): string {
    return this.#choice?.element ?? "";
  }

  /** Process id of the shared worker (for diagnostics and tests). */
  get workerPid(): number | undefined {
    return this.#shared.pid;
  }

  /**
   * Resolves when the shared worker kept failing and is not restarted any more: the WebSocket picture has
   * ended for good (the session tells its viewers and stops). Never resolves otherwise.
   */
  get gaveUp(): Promise<MediaWorkerError> {
    return this.#gaveUp.promise;
  }

  /**
   * Chooses the encoder and starts the shared worker; resolves when its pipeline plays. When `signal` aborts,
   * the session is stopped (no worker is left starting) and the start rejects with the signal's reason.
   *
   * @throws {EncoderUnavailableError} when the pinned encoder does not work.
   * @throws {MediaWorkerError} when the pipeline does not start.
   */
  async start(signal?: AbortSignal): Promise<void> {
    const onAbort = () => void this.stop();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      signal?.throwIfAborted();
      // The probe is shared by the process (cached): it runs on, only this wait ends.
      this.#choice = await abortable(chooseEncoder(this.#options.encoder), signal);
      if (this.#stopping) throw new MediaWorkerError("the media session was stopped while it started");
      await this.#shared.start();
    } catch (error) {
      throw signal?.aborted ? signal.reason : error;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Frames per second the encoder is asked for now. */
  get fps(): number {
    return this.#options.fps;
  }

  /**
   * Receives every frame; the first video frame is a keyframe (one is requested at once), video frames carry
   * their number (`seq`). With `options.ready`, the subscriber is paced: the encoder runs only while some
   * subscriber has room. Returns the unsubscribe function.
   */
  subscribe(onFrame: (frame: MediaFrame) => void, options: SubscribeOptions = {}): () => void {
    const unsubscribe = this.#subscribers.add(onFrame, options);
    this.#updateSharedGate();
    this.requestKeyframe();
    return () => {
      unsubscribe();
      this.#updateSharedGate();
    };
  }

  /**
   * Asks the paced subscribers again whether any has room, and holds or releases the encoder to match
   * (call when a viewer acknowledged frames or its window filled).
   */
  pace(): void {
    this.#shared.setPace(this.#subscribers.room);
  }

  /** Asks the shared encoder for a keyframe. */
  requestKeyframe(): void {
    this.#shared.send({ t: "keyframe" });
  }

  /**
   * Says whether the screen is changing: while inactive, every worker drops captured frames before
   * convert + encode (an idle desktop costs almost nothing); a keyframe request still gets its keyframe.
   * Call with `true` as soon as the screen changes (the next captured frame flows), with `false` once it
   * has been still for a while (see {@linkcode IdleTimer}); idle waits until the encoder has settled.
   *
   * @example
   * ```ts
   * import type { MediaSession } from "./session.ts";
   * import type { X11Session } from "../x11/session.ts";
   * declare const media: MediaSession, x11: X11Session;
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

  /**
   * Changes the bitrate cap live, for the shared worker and every WebRTC viewer. Rejects when a worker cannot
   * be told (its pipe is gone).
   */
  setBitrate(kbps: number): Promise<void> {
    return new Promise((resolve) => {
      this.#options.bitrateKbps = kbps;
      this.#shared.send({ t: "bitrate", kbps });
      for (const peer of this.#peers) peer.setBitrate(kbps);
      resolve();
    });
  }

  /**
   * Changes the frame rate live, in both directions, for the shared worker and every WebRTC viewer: each
   * capture renegotiates its rate (no worker restarts, no keyframe).
   */
  setFps(fps: number): Promise<void> {
    this.#options.fps = fps;
    this.#shared.send({ t: "fps", fps });
    for (const peer of this.#peers) peer.setFps(fps);
    return Promise.resolve();
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
    await this.#shared.relaunch();
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
    const max = this.#options.maxPeers ?? DEFAULT_MAX_PEERS;
    const refusal = !this.#choice || this.#stopping
      ? "the media session is not running"
      : this.#peers.size >= max
      ? `this session already streams to ${max} WebRTC viewers; this one uses WebSocket`
      : undefined;
    if (refusal) return Promise.reject(new MediaWorkerError(refusal));
    const peer = startPeer((config, handlers) => this.#spawn(config, handlers), this.#config("webrtc"), {
      ...options,
      onClose: (reason) => {
        this.#peers.delete(peer);
        options.onClose(reason);
      },
    }, { connectMs: this.#options.connectTimeoutMs });
    this.#peers.add(peer);
    // Workers start open: the first frames flow, and the gate closes after them when idle.
    if (!this.#active.applied) peer.setActive(false);
    return Promise.resolve(peer);
  }

  /** Stops every worker; resolves when all processes are gone. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#active.close();
    await Promise.all([this.#shared.stop(), ...[...this.#processes].map((p) => p.stop())]);
  }

  /**
   * Kills every media worker of this session at once (SIGKILL): the way out when one may be stuck in a native
   * call (e.g. on a grabbed X server). The shared worker then restarts as after a crash; each WebRTC viewer
   * hears its peer ended and falls back to the WebSocket. Resolves when all of them are gone.
   *
   * @example
   * ```ts
   * import type { MediaSession } from "./session.ts";
   * declare const media: MediaSession;
   * await media.killAll("an X round trip timed out");
   * ```
   */
  async killAll(reason: string): Promise<void> {
    const all = [...this.#processes];
    if (!all.length) return;
    log.warn("killing {count} media worker(s): {reason}", { count: all.length, reason });
    for (const worker of all) worker.kill();
    await Promise.all(all.map((worker) => worker.exited));
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
        encoder: choice.name,
        element: choice.element,
        bitrateKbps: o.bitrateKbps,
        mode,
        audio: o.audio,
        cudaDevice: o.cudaDevice,
        cpus: availableCpus(o.cpus),
      },
      encoding: mode === "appsink" ? o.encoding : undefined,
      codec: choice.codec,
    };
  }

  /** Starts a worker process and keeps track of it until it has exited. */
  #spawn(config: WorkerConfig, handlers: WorkerHandlers): WorkerProcess {
    const env = { DISPLAY: this.#options.display, XAUTHORITY: this.#options.xauthority };
    const worker = new WorkerProcess(config, env, {
      unresponsiveMs: this.#options.unresponsiveMs,
      ...handlers,
    });
    this.#processes.add(worker);
    worker.exited.finally(() => this.#processes.delete(worker));
    return worker;
  }

  /**
   * The shared (WebSocket) worker encodes only while the screen changes AND someone subscribes:
   * with every viewer on WebRTC (or none at all) it would burn a core for nobody. A new subscriber
   * asks for a keyframe, which the worker answers even through a closed gate.
   */
  #updateSharedGate(): void {
    // A hybrid worker watches X damage itself, and must keep refining tiles after the screen went still.
    const active = this.#active.applied || this.#options.encoding === "hybrid";
    this.#shared.setGate(active && this.#subscribers.size > 0);
    this.pace();
  }

  #dispatch(frame: Extract<IpcFrame, { type: "video" | "audio" }>): void {
    this.#stats.add(frame.type, frame.payload.byteLength);
    if (frame.type === "video") this.#active.frame(frame.payload.byteLength, frame.key);
    this.#subscribers.dispatch(frame);
  }
}
