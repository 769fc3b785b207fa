/**
 * The tuning of the hybrid planner: every threshold of its rules in one place, each with its reason.
 *
 * @module
 */
import type { ScrollOptions } from "./scroll.ts";
import { TileGrid } from "./tiles.ts";
import type { VideoRegionOptions } from "./region.ts";
import type { VideoSwitchOptions } from "./video.ts";

/** Tuning of {@linkcode HybridPlanner}; scroll, video and region thresholds as in their own options. */
export interface HybridPlannerOptions extends ScrollOptions, VideoSwitchOptions, VideoRegionOptions {
  /**
   * Tile side in pixels.
   * @default 64
   */
  tileSize?: number;
  /**
   * Changes within `movingWindowMs` that make a tile "moving" (lossy if photo-like, and counted for video):
   * a redraw changes a tile once or twice, an animation every frame. At most 4 (the history kept per tile).
   * @default 3
   */
  movingChanges?: number;
  /**
   * The window of `movingChanges`.
   * @default 500
   */
  movingWindowMs?: number;
  /**
   * Smallest changed area of a tile (pixels) sent lossy when moving. Measured (libjpeg-turbo q80 against
   * libwebp lossless, effort 0): a JPEG costs ~650 bytes at least (its tables), so below 32x32 even
   * photo-like pixels are smaller lossless (16x16: 358 B against 677 B), and exact.
   * @default 1024
   */
  lossyMinPixels?: number;
  /**
   * A moving tile goes lossy only with more colours than this in its changed area. Measured: text and UI
   * (few colours) are 7-11x smaller lossless than JPEG q80 at every size (64x64 text: 420 B against 3016 B),
   * photo-like content 3-4x larger (64x64: 3994 B against 1413 B).
   * @default 32
   */
  lossyMinColours?: number;
  /**
   * How long a lossy tile must stay unchanged before it is re-sent lossless (the target: still text
   * is exact within 300 ms).
   * @default 250
   */
  refineAfterMs?: number;
  /**
   * Most pixels re-sent lossless per update (whole tiles, oldest first; at least one tile): refining a whole
   * screen after video at once would stall the stream behind one large update.
   * @default 131072
   */
  refinePixels?: number;
  /**
   * Tallest merged image in pixels (rounded down to whole tiles).
   * @default 128
   */
  maxRectHeight?: number;
}

/** The planner's own thresholds, defaults filled in. */
export type PlannerTuning = Required<
  Omit<HybridPlannerOptions, keyof ScrollOptions | keyof VideoSwitchOptions | keyof VideoRegionOptions>
>;

/**
 * The planner's own thresholds from `options`, defaults filled in.
 *
 * @example
 * ```ts
 * import { tuning } from "./options.ts";
 * tuning({ tileSize: 32 }).refineAfterMs; // 250
 * ```
 */
export function tuning(options: HybridPlannerOptions = {}): PlannerTuning {
  return {
    tileSize: options.tileSize ?? 64,
    movingChanges: Math.min(options.movingChanges ?? 3, TileGrid.HISTORY),
    movingWindowMs: options.movingWindowMs ?? 500,
    lossyMinPixels: options.lossyMinPixels ?? 1024,
    lossyMinColours: options.lossyMinColours ?? 32,
    refineAfterMs: options.refineAfterMs ?? 250,
    refinePixels: options.refinePixels ?? 131072,
    maxRectHeight: options.maxRectHeight ?? 128,
  };
}
