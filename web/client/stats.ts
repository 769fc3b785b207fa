/**
 * Live client statistics, exposed as `window.selkiesStats` for tests, the overlay and the benchmark.
 *
 * @module
 */

/** What the client is doing right now. */
export interface SelkiesStats {
  /** Video frames decoded (and drawn) since the page loaded. */
  framesDecoded: number;
  /** Decoded frames per second over the last second. */
  fps: number;
  /**
   * Media time of the last frame drawn, in microseconds (WebSocket transport): frames per second of media
   * time is the stream's rate, whatever backlog the client drains at the moment.
   */
  mediaTimeUs: number;
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
    transport: "none",
    transportReason: "",
    connected: false,
    lastError: "",
    width: 0,
    height: 0,
    decodeMs: 0,
    kbps: 0,
    audioFrames: 0,
  };
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
