/**
 * Which stage limits the frame rate a viewer gets, one rule for the streamer (each WebSocket viewer's
 * pacing, in `/metrics` and the `stats` message) and the browser (its WebRTC receiver's stats), so the overlay
 * and a dashboard name the same culprit (zod-free: the browser bundle imports it).
 *
 * - `decode`: frames wait for this browser: it takes longer per frame (decode, draw, the page's main thread)
 *   than the frame interval asked for.
 * - `network`: frames wait, but the browser is quick with each: they are slow to get there (or get lost).
 * - `encode`: nothing waits for the viewer, yet the encoder makes fewer frames than asked: a slow encoder, or a
 *   screen that was still for part of the second (damage-gated: only changes are encoded).
 * - `none`: the viewer draws about the rate asked for, or nothing was encoded at all (an idle screen).
 *
 * @module
 */

/** The stage that limits a viewer's frame rate. */
export type Limit = "none" | "network" | "decode" | "encode";

/** What {@linkcode limitingStage} judges, over about the last second. */
export interface LimitSample {
  /** Frames per second the encoder is asked for. */
  askedFps: number;
  /** Frames per second the viewer drew. */
  deliveredFps: number;
  /** Frames per second the encoder made (WebRTC: frames that arrived complete). */
  encodedFps: number;
  /** The browser's own time per frame, ms (arrival to drawn or dropped; WebRTC: decode time). */
  browserMs: number;
  /**
   * Whether frames waited for the viewer: its pacing window was full most of the time (WebSocket), or it
   * dropped or lost frames (WebRTC).
   */
  waited: boolean;
}

/** A viewer drawing at least this share of the asked rate is not limited. */
const KEEPS_UP = 0.9;

/**
 * Names the stage that limits a viewer's frame rate (see the module's doc for each).
 *
 * @example
 * ```ts
 * import { limitingStage } from "./limit.ts";
 * limitingStage({ askedFps: 30, deliveredFps: 12, encodedFps: 12, browserMs: 80, waited: true }); // "decode"
 * limitingStage({ askedFps: 30, deliveredFps: 30, encodedFps: 30, browserMs: 8, waited: false }); // "none"
 * ```
 */
export function limitingStage(s: LimitSample): Limit {
  const asked = Math.max(1, s.askedFps);
  if (s.deliveredFps >= KEEPS_UP * asked) return "none";
  if (s.waited) return s.browserMs > 1000 / asked ? "decode" : "network";
  if (s.encodedFps >= 1 && s.encodedFps < KEEPS_UP * asked) return "encode";
  return "none";
}
