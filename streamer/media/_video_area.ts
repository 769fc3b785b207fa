/**
 * Which part of the screen the worker's video pipeline encodes: all of it (full-frame video), or the hybrid
 * encoding's video region, cut by the pipeline's `videocrop` and fixed by its size caps, both changed live.
 *
 * A change reaches the encoded frames a little later (frames already captured are cropped either way; the
 * encoder restarts at a new size with a keyframe), so every encoded frame is checked against the time of
 * the last change: a frame captured before it, or a delta before the first keyframe after it, is dropped,
 * and no frame is ever drawn at another area's place.
 *
 * @module
 */
import type { Rect } from "../../protocol/screen_update.ts";
import { sizeCaps } from "./pipeline.ts";

/** Deltas dropped while waiting for a keyframe before asking for one again. */
const REASK_FRAMES = 10;

/** Pixels `videocrop` cuts off each side. */
export interface CropSides {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * The `videocrop` sides that leave `area` of a `width` x `height` screen (clipped to it).
 *
 * @example
 * ```ts
 * import { cropSides } from "./_video_area.ts";
 * cropSides({ x: 64, y: 128, w: 640, h: 512 }, 1920, 1080); // { left: 64, top: 128, right: 1216, bottom: 440 }
 * ```
 */
export function cropSides(area: Rect, width: number, height: number): CropSides {
  return {
    left: Math.max(0, Math.min(width, area.x)),
    top: Math.max(0, Math.min(height, area.y)),
    right: Math.max(0, width - Math.min(width, area.x + area.w)),
    bottom: Math.max(0, height - Math.min(height, area.y + area.h)),
  };
}

/**
 * The order to set the sides in when changing from crop `from` to `to`: those that shrink first. After each
 * step every side is at most the larger of its two values, and the sides that grow are set last, so the crop
 * never exceeds either valid one (a crop larger than the picture fails to negotiate and ends the pipeline).
 *
 * @example
 * ```ts
 * import { cropOrder } from "./_video_area.ts";
 * cropOrder({ left: 0, top: 0, right: 1000, bottom: 0 }, { left: 1000, top: 0, right: 0, bottom: 0 });
 * // [["right", 0], ["left", 1000]]
 * ```
 */
export function cropOrder(from: CropSides, to: CropSides): [keyof CropSides, number][] {
  const sides = (["left", "top", "right", "bottom"] as const).filter((k) => from[k] !== to[k]);
  return [...sides.filter((k) => to[k] < from[k]), ...sides.filter((k) => to[k] > from[k])]
    .map((k) => [k, to[k]]);
}

/** What {@linkcode VideoArea} drives in the pipeline. */
export interface AreaPipeline {
  /** Sets one side of the crop (absent when the pipeline has no `videocrop`: full-frame video only). */
  crop?(side: keyof CropSides, pixels: number): void;
  /** Sets the size caps (the encoded picture's size and frame rate). */
  caps(caps: string): void;
  /** Asks the encoder for a keyframe. */
  keyframe(): void;
  /** The pipeline's running time now (what sample times compare with); undefined without a clock. */
  now(): bigint | undefined;
}

/**
 * The encoded area of the screen, and which encoded frames show it.
 *
 * @example
 * ```ts
 * import { VideoArea } from "./_video_area.ts";
 * const area = new VideoArea({ caps() {}, keyframe() {}, now: () => 1000n }, { width: 1920, height: 1080, fps: 60 });
 * area.set({ x: 64, y: 64, w: 640, h: 512 });
 * area.admit({ key: true, runningNs: 900n }); // undefined: captured before the change
 * area.admit({ key: true, runningNs: 1100n }); // { x: 64, y: 64, w: 640, h: 512 }
 * ```
 */
export class VideoArea {
  readonly #pipeline: AreaPipeline;
  readonly #screen: { width: number; height: number; fps: number };
  #area: Rect;
  #crop: CropSides = { left: 0, top: 0, right: 0, bottom: 0 };
  #since: bigint | undefined;
  #needKey = false;
  #waited = 0;

  /** Starts on the whole screen (what the pipeline was built with). */
  constructor(pipeline: AreaPipeline, screen: { width: number; height: number; fps: number }) {
    this.#pipeline = pipeline;
    this.#screen = { ...screen };
    this.#area = { x: 0, y: 0, w: screen.width, h: screen.height };
  }

  /** The area encoded now. */
  get area(): Rect {
    return this.#area;
  }

  /**
   * Encodes `area` from now on (the whole screen when omitted); a change asks for a keyframe, and frames up
   * to it are dropped. Returns whether the area changed.
   */
  set(area?: Rect): boolean {
    const { width, height } = this.#screen;
    const next = area ?? { x: 0, y: 0, w: width, h: height };
    if (sameRect(next, this.#area)) return false;
    this.#area = { ...next };
    this.#apply(true);
    return true;
  }

  /**
   * A new screen size (back to the whole screen, with a keyframe) or frame rate (the capture renegotiates
   * its rate; no keyframe).
   */
  screen(width: number, height: number, fps: number): void {
    const resized = width !== this.#screen.width || height !== this.#screen.height;
    Object.assign(this.#screen, { width, height, fps });
    if (resized) this.#area = { x: 0, y: 0, w: width, h: height };
    this.#apply(resized);
  }

  /** The area an encoded frame shows; undefined when it must be dropped (captured before the last change). */
  admit(sample: { key: boolean; runningNs?: bigint }): Rect | undefined {
    const since = this.#since;
    const early = since !== undefined && sample.runningNs !== undefined && sample.runningNs < since;
    if (early || (this.#needKey && !sample.key)) {
      // The keyframe asked for can go to a frame captured just before the change (the encoder restarts at the
      // new size on it): ask again, and again every few frames in case a request was lost.
      if (this.#needKey && (sample.key || ++this.#waited % REASK_FRAMES === 0)) this.#pipeline.keyframe();
      return undefined;
    }
    this.#needKey = false;
    return this.#area;
  }

  #apply(restart: boolean): void {
    const { width, height, fps } = this.#screen, p = this.#pipeline;
    const crop = cropSides(this.#area, width, height);
    if (p.crop) { for (const [side, pixels] of cropOrder(this.#crop, crop)) p.crop(side, pixels); }
    this.#crop = crop;
    p.caps(sizeCaps(this.#area.w, this.#area.h, fps));
    if (!restart) return;
    // After both: a frame captured from now on is cut and sized for the new area.
    this.#since = p.now();
    this.#needKey = true;
    this.#waited = 0;
    p.keyframe();
  }
}

/** Whether two rectangles are the same. */
function sameRect(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;
}
