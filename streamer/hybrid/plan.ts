/**
 * What the decision core hands the media worker for one update: drawing operations in order, with image
 * tiles still to be encoded (the worker owns the encoders), or "send this update as video".
 *
 * @module
 */
import type { Rect, ScreenOp } from "../../protocol/screen_update.ts";
import type { Frame } from "./frame.ts";

export type { Rect };

/** How an image tile is to be encoded: lossless (WebP lossless) or lossy (JPEG). */
export type TileQuality = "lossless" | "lossy";

/** An image the worker encodes from the current frame and sends as an `image` operation. */
export type TileOp = Rect & { op: "tile"; quality: TileQuality };

/** One planned operation: the wire's `size`, `copy` and `fill` as they are, and tiles to encode. */
export type PlannedOp = Extract<ScreenOp, { op: "size" | "copy" | "fill" }> | TileOp;

/** One update's plan. */
export interface Plan {
  /**
   * The operations in drawing order (copies first: they read the canvas as the viewers have it). Empty when
   * nothing changed, or when the whole screen is video (`video` without `region`).
   */
  ops: PlannedOp[];
  /**
   * Send this update as one full-frame video picture instead of `ops` (the screen moves too much for tiles),
   * or, with `region`, that part of it as video. The first update with `video` after tiles, or a keyframe
   * with `video`, needs a video keyframe.
   */
  video: boolean;
  /**
   * With `video`: the rectangle the video covers when it is not the whole screen (region video: whole 64 px
   * tiles, even-sized); `ops` then carry the rest of the screen. A change of the rectangle needs a video
   * keyframe of the new area; video frames of an earlier area must not be drawn.
   */
  region?: Rect;
  /** A keyframe: starts with `size` and paints the whole screen (a new or re-syncing viewer can start here). */
  key: boolean;
}

/**
 * What the media worker needs of a planner ({@linkcode HybridPlanner} in ./planner.ts; a fake in the worker's
 * tests).
 */
export interface Planner {
  /** Plans one update from the new frame and the areas that may have changed since the last plan. */
  plan(frame: Frame, damage: readonly Rect[], nowMs: number): Plan;
  /** Plans the whole screen (`size` first) for a new or re-syncing viewer. */
  keyframe(frame: Frame, nowMs?: number): Plan;
  /** Whether a plan at `nowMs` without damage would send something (refinement, or the end of video). */
  pending(nowMs: number): boolean;
  /** When {@linkcode Planner.pending} turns true with nothing changing; null when nothing is pending. */
  wakeAt(): number | null;
}
