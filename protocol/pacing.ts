/**
 * Receiver-paced delivery on the WebSocket transport, the rule both ends share (zod-free: the browser
 * bundle imports it).
 *
 * - The streamer numbers video frames (`seq`, 16 bits, wrapping; bytes 2-3 of the media header).
 * - The browser sends `{"t":"ack","seq":n,"ms":m,"drawn":d}` once it is done with frame `n`: drawn, or
 *   dropped (a newer frame had arrived, or the decoder waits for a keyframe). `ms` is how long the frame
 *   spent in the browser (received to done), so the streamer can tell the network round trip from decoding
 *   time. An ack covers every older frame too.
 * - Per viewer, the streamer keeps at most {@linkcode pacingWindow} frames unacknowledged, and the shared
 *   encoder encodes only while some viewer has room: a slow browser lowers the frame rate, never adds
 *   latency. A viewer that has never acked is not paced (older clients, tools): byte budgets bound it.
 *
 * @module
 */

/** Pacing constants (milliseconds and frames). */
export const PACING = {
  /** Fewest frames in flight per viewer: one being drawn, one on its way. */
  minWindow: 2,
  /** Most frames in flight per viewer, however long the round trip. */
  maxWindow: 8,
  /**
   * Frames past the window a viewer still gets: frames that were already in the encoder when it was held.
   * Beyond window + slack the viewer skips to the next keyframe (another, faster viewer keeps the encoder
   * going).
   */
  slack: 2,
  /** An unacknowledged frame older than this counts as lost (frees its place: a stuck tab gets a trickle). */
  lostMs: 2000,
  /** Least time between two keyframes one skipping viewer asks for (the encoder is shared). */
  keyframeMs: 500,
  /** How long the smallest round trip seen is remembered (sizes the window). */
  rttMemoryMs: 10_000,
} as const;

/** Sequence numbers wrap at this value. */
export const SEQ_MODULO = 0x10000;

/**
 * How many frames may be in flight to one viewer: one round trip's worth at `fps`, at least
 * {@linkcode PACING.minWindow}, at most {@linkcode PACING.maxWindow}; one more for a viewer that keeps up
 * (its own time per frame is under a frame interval: nothing queues there, and the extra frame absorbs the
 * jitter of a busy host, measured: 720p30 on a loaded 2-core box drew 26 fps with two, 30 with three). A
 * viewer that is the slowest stage gets no extra frame: its queue, and so its latency, stays short.
 *
 * @param rttMs The network round trip (without the browser's own time on each frame).
 * @param fps The frame rate the encoder runs at.
 * @param keepsUp Whether the viewer draws faster than `fps`.
 * @example
 * ```ts
 * import { pacingWindow } from "./pacing.ts";
 * pacingWindow(10, 30); // 2
 * pacingWindow(10, 30, true); // 3
 * pacingWindow(150, 30); // 5
 * ```
 */
export function pacingWindow(rttMs: number, fps: number, keepsUp = false): number {
  const frames = Math.ceil((Math.max(0, rttMs) * Math.max(1, fps)) / 1000);
  return Math.min(PACING.maxWindow, Math.max(PACING.minWindow, frames) + (keepsUp ? 1 : 0));
}

/**
 * How far `to` is after `from` in wrapping sequence space, 0 to 65535.
 *
 * @example
 * ```ts
 * import { seqDistance } from "./pacing.ts";
 * seqDistance(65535, 1); // 2
 * ```
 */
export function seqDistance(from: number, to: number): number {
  return (((to - from) % SEQ_MODULO) + SEQ_MODULO) % SEQ_MODULO;
}

/**
 * Whether sequence number `a` comes after `b` (serial number arithmetic: within half the space).
 *
 * @example
 * ```ts
 * import { seqAfter } from "./pacing.ts";
 * seqAfter(2, 65530); // true
 * seqAfter(65530, 2); // false
 * ```
 */
export function seqAfter(a: number, b: number): boolean {
  const d = seqDistance(b, a);
  return d !== 0 && d < SEQ_MODULO / 2;
}
