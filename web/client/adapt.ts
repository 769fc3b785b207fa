/**
 * WebRTC under load: lowers the frame rate when the browser falls behind (frames dropped, decoding slower than
 * they arrive) and the bitrate when the network does (packets lost, round trip growing), then raises both
 * again, slowly, once a few seconds have gone well. Pure logic over the receiver's `getStats()` deltas; the
 * WebRTC session feeds it once a second and sends what it returns as `{t:"fps"}` / `{t:"bitrate"}`.
 *
 * Down fast (x0.75 per step, two bad seconds in a row), up slowly (+15 % after five good seconds), never
 * above the session's own settings, at most one change every three seconds. It never asks for keyframes.
 *
 * @module
 */

/** What the receiver did over the last interval (differences of `getStats()` counters). */
export interface ReceiverSample {
  /** Seconds the sample covers. */
  seconds: number;
  /** Video frames that arrived complete. */
  framesReceived: number;
  /** Video frames decoded. */
  framesDecoded: number;
  /** Video frames dropped before they were shown. */
  framesDropped: number;
  /** Mean decode time of a frame, ms. */
  decodeMs: number;
  /** RTP packets received (video and audio). */
  packetsReceived: number;
  /** RTP packets lost (video and audio). */
  packetsLost: number;
  /** Round trip of the selected candidate pair, ms, when known. */
  rttMs?: number;
}

/** Options of {@linkcode Adapter}. */
export interface AdaptOptions {
  /** The session's frame rate: never asked above it. */
  maxFps: number;
  /** Lowest frame rate asked for. @default {15, or maxFps when lower} */
  minFps?: number;
  /** The session's bitrate cap in kbit/s; without it the bitrate is left alone. */
  maxKbps?: number;
  /** Lowest bitrate asked for, kbit/s. @default {500} */
  minKbps?: number;
}

/** A change to ask the streamer for. */
export interface Adaptation {
  /** New frame rate, when it changes. */
  fps?: number;
  /** New bitrate cap in kbit/s, when it changes. */
  kbps?: number;
  /** Why, for the stats overlay and logs. */
  reason: string;
}

const DOWN = 0.75;
const UP = 1.15;
const BAD_IN_A_ROW = 2;
const GOOD_IN_A_ROW = 5;
const HOLD_S = 3;

/**
 * Decides frame-rate and bitrate changes from receiver samples.
 *
 * @example
 * ```ts
 * import { Adapter } from "./adapt.ts";
 * const adapter = new Adapter({ maxFps: 60, maxKbps: 8000 });
 * const behind = {
 *   seconds: 1, framesReceived: 60, framesDecoded: 40, framesDropped: 20, decodeMs: 30, packetsReceived: 600,
 *   packetsLost: 0,
 * };
 * adapter.update(behind); // undefined: one bad second is not enough
 * adapter.update(behind); // { fps: 45, reason: "the browser falls behind: ..." }
 * ```
 */
export class Adapter {
  readonly #maxFps: number;
  readonly #minFps: number;
  readonly #maxKbps: number | undefined;
  readonly #minKbps: number;
  #fps: number;
  #kbps: number | undefined;
  #bad = 0;
  #good = 0;
  #sinceChange = Infinity;
  #minRtt = Infinity;

  constructor(options: AdaptOptions) {
    this.#maxFps = options.maxFps;
    this.#minFps = Math.min(options.minFps ?? 15, options.maxFps);
    this.#maxKbps = options.maxKbps;
    this.#minKbps = Math.min(options.minKbps ?? 500, options.maxKbps ?? Infinity);
    this.#fps = options.maxFps;
    this.#kbps = options.maxKbps;
  }

  /** The frame rate asked for now. */
  get fps(): number {
    return this.#fps;
  }

  /** The bitrate asked for now (undefined when not adapted). */
  get kbps(): number | undefined {
    return this.#kbps;
  }

  /** Takes one sample; returns the change to ask for, if any. */
  update(sample: ReceiverSample): Adaptation | undefined {
    this.#sinceChange += sample.seconds;
    if (sample.rttMs !== undefined) this.#minRtt = Math.min(this.#minRtt, sample.rttMs);
    const client = this.#clientBehind(sample);
    const network = this.#networkBad(sample);
    if (client || network) {
      this.#good = 0;
      this.#bad++;
    } else {
      this.#bad = 0;
      this.#good++;
    }
    if (this.#sinceChange < HOLD_S) return undefined;
    if (this.#bad >= BAD_IN_A_ROW) {
      const change: Adaptation = { reason: (client ?? network)! };
      if (client && this.#fps > this.#minFps) {
        change.fps = this.#fps = Math.max(this.#minFps, Math.round(this.#fps * DOWN));
      }
      if (network && this.#kbps !== undefined && this.#kbps > this.#minKbps) {
        change.kbps = this.#kbps = Math.max(this.#minKbps, Math.round(this.#kbps * DOWN));
      }
      return this.#changed(change);
    }
    if (this.#good >= GOOD_IN_A_ROW) {
      const change: Adaptation = { reason: `${GOOD_IN_A_ROW} s without loss or lag` };
      if (this.#fps < this.#maxFps) {
        change.fps = this.#fps = Math.min(this.#maxFps, Math.max(this.#fps + 2, Math.round(this.#fps * UP)));
      }
      if (this.#kbps !== undefined && this.#maxKbps !== undefined && this.#kbps < this.#maxKbps) {
        change.kbps = this.#kbps = Math.min(this.#maxKbps, Math.round(this.#kbps * UP));
      }
      return this.#changed(change);
    }
    return undefined;
  }

  #changed(change: Adaptation): Adaptation | undefined {
    if (change.fps === undefined && change.kbps === undefined) return undefined;
    this.#sinceChange = 0;
    this.#bad = 0;
    this.#good = 0;
    return change;
  }

  /**
   * Why the browser is behind, or undefined: frames dropped (Chromium drops what it cannot show in time), or
   * decoding slower than frames come. Not the time frames wait in the jitter buffer: that is buffering the
   * browser chose (large without the playout-delay extension, and growing with the network's jitter).
   */
  #clientBehind(s: ReceiverSample): string | undefined {
    const frames = Math.max(1, s.framesReceived);
    if (s.framesDropped / frames > 0.1) {
      return `the browser falls behind: ${s.framesDropped} of ${frames} frames dropped`;
    }
    const interval = 1000 / this.#fps;
    if (s.framesDecoded > 0 && s.decodeMs > 0.8 * interval) {
      return `the browser falls behind: decoding takes ${Math.round(s.decodeMs)} ms a frame`;
    }
    return undefined;
  }

  /** Why the network is struggling, or undefined: packets lost, or the round trip queueing up. */
  #networkBad(s: ReceiverSample): string | undefined {
    const packets = s.packetsReceived + s.packetsLost;
    if (packets > 0 && s.packetsLost / packets > 0.02) {
      return `the network loses ${((100 * s.packetsLost) / packets).toFixed(1)} % of packets`;
    }
    if (s.rttMs !== undefined && s.rttMs > 150 && s.rttMs > 2 * this.#minRtt + 50) {
      return `the round trip grew to ${Math.round(s.rttMs)} ms`;
    }
    return undefined;
  }
}
