/**
 * Live client statistics, exposed as `window.selkiesStats` for tests, the overlay and the benchmark.
 *
 * @module
 */
import type { DrawnOps } from "./screen_updates.ts";
import type { Limit } from "../../protocol/limit.ts";
import type { ReceiverDelivery } from "./_receiver.ts";

/** What the client is doing right now. */
export interface SelkiesStats {
  /** Video frames decoded (and drawn) since the page loaded. */
  framesDecoded: number;
  /** Frames drawn per second over the last second: the delivered rate. */
  fps: number;
  /**
   * Capture time of the last frame drawn, in microseconds since the epoch on the streamer's clock (WebSocket
   * transport): frames per second of media time is the stream's rate, whatever the client drains right now.
   */
  mediaTimeUs: number;
  /** Frames per second the streamer's encoder made lately (WebSocket transport; the server's word). */
  encoderFps: number;
  /**
   * Capture to drawn, ms: the streamer's estimate from this client's acknowledgements (its own clock and the
   * round trip, no clock sync needed); 0 until known. WebRTC: half the round trip plus this browser's time
   * per frame (first packet to decoded), the part the receiver can see.
   */
  latencyMs: number;
  /**
   * Frames the streamer has sent and this client not yet acknowledged (the server's word, once a second).
   * WebRTC: frames arrived and not yet decoded or dropped.
   */
  inFlight: number;
  /** Frames the streamer lets be in flight to this client (its pacing window). */
  window: number;
  /** Frames arrived here and not yet drawn or dropped (this client's own queue, live). */
  queued: number;
  /** Decoded frames not drawn because a newer one was there first. */
  droppedLate: number;
  /** The stage that limits the frame rate now (protocol/limit.ts): the streamer's word, or the receiver's. */
  limit: Limit;
  /** Media transport in use, or `none` before the first frame. */
  transport: "websocket" | "webrtc" | "none";
  /** Why this transport was chosen (pinned, fallback reason). */
  transportReason: string;
  /** Whether the control WebSocket is open. */
  connected: boolean;
  /** Last error shown to the user, empty when none. */
  lastError: string;
  /** Size of the last decoded frame. */
  width: number;
  height: number;
  /** Mean decode time over the last second, in milliseconds (WebSocket transport). */
  decodeMs: number;
  /** Received media bitrate over the last second, in kbit/s. */
  kbps: number;
  /** Opus packets decoded and scheduled for playback since the page loaded (WebSocket transport). */
  audioFrames: number;
  /**
   * Video bytes received since the page loaded (WebSocket transport): H.264 frames, or with the hybrid
   * encoding only its `video` operations (tiles and copies are not video).
   */
  videoBytes: number;
  /** Screen operations drawn since the page loaded, by kind (hybrid encoding; all 0 otherwise). */
  screenOps: DrawnOps;
}

/**
 * Creates a zeroed statistics record.
 *
 * @example
 * ```ts
 * import { createStats } from "./stats.ts";
 * createStats().framesDecoded; // 0
 * ```
 */
export function createStats(): SelkiesStats {
  return {
    framesDecoded: 0,
    fps: 0,
    mediaTimeUs: 0,
    encoderFps: 0,
    latencyMs: 0,
    inFlight: 0,
    window: 0,
    queued: 0,
    droppedLate: 0,
    limit: "none",
    transport: "none",
    transportReason: "",
    connected: false,
    lastError: "",
    width: 0,
    height: 0,
    decodeMs: 0,
    kbps: 0,
    audioFrames: 0,
    videoBytes: 0,
    screenOps: { copy: 0, fill: 0, lossless: 0, lossy: 0, video: 0 },
  };
}

/**
 * Takes a WebRTC receiver's second (webrtc.ts): its latency estimate, its queue and the stage that limits.
 *
 * @example
 * ```ts
 * import { createStats, receiverStats } from "./stats.ts";
 * import type { ReceiverDelivery } from "./_receiver.ts";
 * declare const delivery: ReceiverDelivery;
 * receiverStats(createStats(), delivery);
 * ```
 */
export function receiverStats(stats: SelkiesStats, delivery: ReceiverDelivery): void {
  stats.latencyMs = delivery.latencyMs;
  stats.inFlight = delivery.queued;
  stats.window = 0;
  stats.limit = delivery.limit;
}

/**
 * Counts events and sums values over one-second windows.
 *
 * @example
 * ```ts
 * import { RateMeter } from "./stats.ts";
 * const frames = new RateMeter();
 * frames.add(1);
 * frames.tick(); // { count: 1, sum: 1 }, then starts a new window
 * ```
 */
export class RateMeter {
  #count = 0;
  #sum = 0;

  /** Records one event carrying `value` (bytes, milliseconds, ...). */
  add(value: number): void {
    this.#count++;
    this.#sum += value;
  }

  /** Returns the window's totals and starts the next window. */
  tick(): { count: number; sum: number } {
    const out = { count: this.#count, sum: this.#sum };
    this.#count = 0;
    this.#sum = 0;
    return out;
  }
}

/** Options of {@linkcode StatsLoop}. */
export interface StatsLoopOptions {
  /** Runs after each one-second update of fps and decode time (e.g. updates kbit/s, refreshes the overlay). */
  onUpdate(): void;
  /** Reports the page's drawn fps and decode time to the streamer, every two seconds. */
  report(message: { t: "stats"; fps: number; decodeMs: number }): void;
}

/**
 * Keeps the per-second fields of a {@linkcode SelkiesStats} current (fps, decode time) and reports them to
 * the streamer; its timers run from construction for the page's lifetime.
 *
 * @example
 * ```ts
 * import { createStats, StatsLoop } from "./stats.ts";
 * const stats = createStats();
 * const loop = new StatsLoop(stats, { onUpdate() {}, report() {} });
 * loop.frame(1280, 720, 8.5);
 * stats.framesDecoded; // 1
 * ```
 */
export class StatsLoop {
  readonly #stats: SelkiesStats;
  readonly #options: StatsLoopOptions;
  readonly #frames = new RateMeter();

  constructor(stats: SelkiesStats, options: StatsLoopOptions) {
    this.#stats = stats;
    this.#options = options;
    this.#start();
  }

  /** Counts one frame drawn, of this size, `decodeMs` after it arrived. */
  frame(width: number, height: number, decodeMs: number): void {
    this.#stats.framesDecoded++;
    this.#stats.width = width;
    this.#stats.height = height;
    this.#frames.add(decodeMs);
  }

  #start(): void {
    setInterval(() => {
      const f = this.#frames.tick();
      this.#stats.fps = f.count;
      this.#stats.decodeMs = f.count ? Math.round((f.sum / f.count) * 100) / 100 : 0;
      this.#options.onUpdate();
    }, 1000);
    setInterval(() => {
      const { fps, decodeMs } = this.#stats;
      this.#options.report({ t: "stats", fps: Math.min(1000, fps), decodeMs: Math.min(10_000, decodeMs) });
    }, 2000);
  }
}
