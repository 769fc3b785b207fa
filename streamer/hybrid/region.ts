/**
 * Region video: when one coherent part of the screen moves (a movie in a window, a GL viewport) but not most
 * of the screen, only that rectangle goes to the video encoder and the rest stays tiles. Without it such an
 * area was hundreds of JPEG tiles per second (measured on the H200: a GL app on ~40 % of a 4K screen stayed
 * in tiles at 18.5 fps, 24 Mbit/s, worst second 3 fps), since full-screen video needs most of the screen
 * moving.
 *
 * The region is a rectangle of whole tiles (64 px: macroblock-aligned, even-sized but at odd screen edges),
 * chosen with hysteresis, because each change of its size renegotiates the encoder and costs a keyframe:
 * it starts after a few updates with a stable candidate, grows at once, shrinks only after a calm while,
 * and ends a second after the motion inside it stopped.
 *
 * @module
 */

/** A rectangle of tiles: columns [c0, c1), rows [r0, r1). */
export interface TileBox {
  c0: number;
  r0: number;
  c1: number;
  r1: number;
}

/** Tuning of {@linkcode RegionSwitch} and {@linkcode findRegion}. */
export interface VideoRegionOptions {
  /**
   * Smallest region side, pixels: a narrow panel (a status line, a progress bar) is cheaper and sharper as
   * tiles; a video window or a viewport is larger.
   * @default 256
   */
  regionMinSide?: number;
  /**
   * Share of the region's tiles that must be moving (and photo-like) for it to qualify: a box around two
   * small animations far apart is mostly still screen.
   * @default 0.5
   */
  regionDensity?: number;
  /**
   * Consecutive updates with an overlapping candidate before region video starts (a window opening is one
   * big update, not motion).
   * @default 3
   */
  regionEnterUpdates?: number;
  /**
   * How long the moving share inside the region must stay below a tenth before region video ends.
   * @default 1000
   */
  regionLeaveMs?: number;
  /**
   * How long the motion must stay inside a smaller box before the region shrinks to it (grows are at once).
   * @default 2000
   */
  regionShrinkMs?: number;
}

/** Moving tiles (mask value 2: moving and photo-like) within this many tiles belong to one area. */
const REACH = 2;
/** A candidate overlapping the last one by this much (intersection over union) continues a run. */
const SAME_AREA = 0.5;
/** Below this share of moving tiles the region counts as calm. */
const CALM = 0.1;
/** The region shrinks only when the motion's box is at most this share of it (else not worth a keyframe). */
const SHRINK_TO = 0.75;

/**
 * The tiles of a box.
 *
 * @example
 * ```ts
 * import { boxTiles } from "./region.ts";
 * boxTiles({ c0: 1, r0: 1, c1: 4, r1: 3 }); // 6
 * ```
 */
export function boxTiles(b: TileBox): number {
  return (b.c1 - b.c0) * (b.r1 - b.r0);
}

/**
 * The smallest box holding both.
 *
 * @example
 * ```ts
 * import { boxUnion } from "./region.ts";
 * boxUnion({ c0: 0, r0: 0, c1: 2, r1: 2 }, { c0: 1, r0: 3, c1: 4, r1: 5 }); // { c0: 0, r0: 0, c1: 4, r1: 5 }
 * ```
 */
export function boxUnion(a: TileBox, b: TileBox): TileBox {
  return {
    c0: Math.min(a.c0, b.c0),
    r0: Math.min(a.r0, b.r0),
    c1: Math.max(a.c1, b.c1),
    r1: Math.max(a.r1, b.r1),
  };
}

/**
 * The tiles two boxes share.
 *
 * @example
 * ```ts
 * import { boxOverlap } from "./region.ts";
 * boxOverlap({ c0: 0, r0: 0, c1: 3, r1: 3 }, { c0: 2, r0: 1, c1: 5, r1: 5 }); // 2
 * ```
 */
export function boxOverlap(a: TileBox, b: TileBox): number {
  const w = Math.min(a.c1, b.c1) - Math.max(a.c0, b.c0), h = Math.min(a.r1, b.r1) - Math.max(a.r0, b.r0);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Whether `inner` lies within `outer`. */
function contains(outer: TileBox, inner: TileBox): boolean {
  return inner.c0 >= outer.c0 && inner.r0 >= outer.r0 && inner.c1 <= outer.c1 && inner.r1 <= outer.r1;
}

/**
 * The box of the largest group of tiles marked 2 in `mask` (moving and photo-like; tiles within two tiles of
 * each other are one group, so a GL scene's still background between its objects does not split it), if
 * it is dense and large enough to be worth region video; null otherwise.
 *
 * @example
 * ```ts
 * import { findRegion } from "./region.ts";
 * const mask = new Uint8Array(30 * 17); // a 1920x1080 screen of 64 px tiles
 * for (let r = 2; r < 10; r++) mask.fill(2, r * 30 + 4, r * 30 + 14); // 640x512 moving
 * findRegion(mask, 30, 17, 64, 1920, 1080); // { c0: 4, r0: 2, c1: 14, r1: 10 }
 * ```
 */
export function findRegion(
  mask: Uint8Array,
  cols: number,
  rows: number,
  tile: number,
  width: number,
  height: number,
  options: VideoRegionOptions = {},
  scratch: { seen?: Uint8Array; stack?: Int32Array } = {},
): TileBox | null {
  const n = cols * rows;
  if (!scratch.seen || scratch.seen.length < n) {
    [scratch.seen, scratch.stack] = [new Uint8Array(n), new Int32Array(n)];
  }
  const seen = scratch.seen.fill(0, 0, n), stack = scratch.stack!;
  let best: TileBox | null = null, bestCount = 0;
  for (let start = 0; start < n; start++) {
    if (mask[start] !== 2 || seen[start]) continue;
    const box = { c0: cols, r0: rows, c1: 0, r1: 0 };
    let count = 0, top = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const i = stack[--top], c = i % cols, r = (i - c) / cols;
      count++;
      [box.c0, box.r0, box.c1, box.r1] = [
        Math.min(box.c0, c),
        Math.min(box.r0, r),
        Math.max(box.c1, c + 1),
        Math.max(box.r1, r + 1),
      ];
      for (let rr = Math.max(0, r - REACH); rr <= Math.min(rows - 1, r + REACH); rr++) {
        for (let cc = Math.max(0, c - REACH); cc <= Math.min(cols - 1, c + REACH); cc++) {
          const j = rr * cols + cc;
          if (mask[j] === 2 && !seen[j]) {
            seen[j] = 1;
            stack[top++] = j;
          }
        }
      }
    }
    if (count > bestCount) [best, bestCount] = [box, count];
  }
  if (!best) return null;
  extendToMoving(best, mask, cols, rows);
  const minSide = options.regionMinSide ?? 256;
  const w = Math.min(width, best.c1 * tile) - best.c0 * tile;
  const h = Math.min(height, best.r1 * tile) - best.r0 * tile;
  if (w < minSide || h < minSide) return null;
  return bestCount >= (options.regionDensity ?? 0.5) * boxTiles(best) ? best : null;
}

/**
 * Takes in, once per side, a line of tiles along the box that is mostly moving though not photo-like: a
 * window's edge rows, where only a few pixel rows of the movie fall into the tile (too few to judge).
 */
function extendToMoving(box: TileBox, mask: Uint8Array, cols: number, rows: number): void {
  const movingShare = (c0: number, r0: number, c1: number, r1: number) => {
    let n = 0;
    for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) if (mask[r * cols + c]) n++;
    return n / ((c1 - c0) * (r1 - r0));
  };
  const { c0, r0, c1, r1 } = box;
  if (c0 > 0 && movingShare(c0 - 1, r0, c0, r1) >= 0.5) box.c0--;
  if (c1 < cols && movingShare(c1, r0, c1 + 1, r1) >= 0.5) box.c1++;
  if (r0 > 0 && movingShare(c0, r0 - 1, c1, r0) >= 0.5) box.r0--;
  if (r1 < rows && movingShare(c0, r1, c1, r1 + 1) >= 0.5) box.r1++;
}

/**
 * Decides, update by update, which rectangle of tiles (if any) is sent as region video, with hysteresis.
 *
 * @example
 * ```ts
 * import { RegionSwitch } from "./region.ts";
 * const cols = 10, mask = new Uint8Array(cols * 10).fill(1); // every tile moving
 * const region = new RegionSwitch();
 * const box = { c0: 2, r0: 2, c1: 6, r1: 6 };
 * region.update(box, mask, cols, 0); region.update(box, mask, cols, 16);
 * region.update(box, mask, cols, 33); // { c0: 2, r0: 2, c1: 6, r1: 6 }
 * ```
 */
export class RegionSwitch {
  readonly #enterUpdates: number;
  readonly #leaveMs: number;
  readonly #shrinkMs: number;
  #region: TileBox | null = null;
  #run = 0;
  #last: TileBox | null = null;
  #calmSince = -1;
  #shrinkSince = 0;
  #seen: TileBox | null = null;

  /** Creates a switch without a region. */
  constructor(options: VideoRegionOptions = {}) {
    this.#enterUpdates = options.regionEnterUpdates ?? 3;
    this.#leaveMs = options.regionLeaveMs ?? 1000;
    this.#shrinkMs = options.regionShrinkMs ?? 2000;
  }

  /** The region sent as video; null when none. */
  get region(): TileBox | null {
    return this.#region;
  }

  /** When the region would end if nothing moves until then; null without a region or while it moves. */
  get leaveAt(): number | null {
    return this.#region && this.#calmSince >= 0 ? this.#calmSince + this.#leaveMs : null;
  }

  /**
   * Feeds one update: this update's candidate ({@linkcode findRegion}), the per-tile moving mask (non-zero:
   * moving) with its column count, and the time. Returns the region now (a new object when it changed).
   */
  update(candidate: TileBox | null, mask: Uint8Array, cols: number, nowMs: number): TileBox | null {
    const region = this.#region;
    if (!region) {
      const same = candidate && this.#last &&
        boxOverlap(candidate, this.#last) >= SAME_AREA * boxTiles(boxUnion(candidate, this.#last));
      this.#run = candidate ? (same ? this.#run + 1 : 1) : 0;
      this.#last = candidate && (same ? boxUnion(candidate, this.#last!) : candidate);
      if (this.#run >= this.#enterUpdates) this.#start(this.#last!, nowMs);
      return this.#region;
    }
    let moving = 0;
    for (let r = region.r0; r < region.r1; r++) {
      for (let c = region.c0; c < region.c1; c++) if (mask[r * cols + c]) moving++;
    }
    if (moving >= CALM * boxTiles(region)) this.#calmSince = -1;
    else if (this.#calmSince < 0) this.#calmSince = nowMs;
    if (this.#calmSince >= 0 && nowMs - this.#calmSince >= this.#leaveMs) {
      this.reset();
      return null;
    }
    // Motion reaching past the region, mostly within it: grow at once (a window moved a little, a viewport
    // resized). Motion elsewhere: a new region once this one has been calm for a while.
    if (candidate && !contains(region, candidate)) {
      if (boxOverlap(candidate, region) >= SAME_AREA * boxTiles(candidate)) {
        this.#start(boxUnion(region, candidate), nowMs);
        return this.#region;
      }
    } else if (candidate) this.#seen = this.#seen ? boxUnion(this.#seen, candidate) : candidate;
    if (nowMs - this.#shrinkSince >= this.#shrinkMs) {
      const seen = this.#seen;
      this.#shrinkSince = nowMs;
      this.#seen = null;
      if (seen && boxTiles(seen) <= SHRINK_TO * boxTiles(region)) this.#region = seen;
    }
    return this.#region;
  }

  /** Starts region video on `box` at once (the motion full-screen video was for fits it). */
  take(box: TileBox, nowMs: number): void {
    this.reset();
    this.#start(box, nowMs);
  }

  /** No region (video ended, full-screen video, a keyframe of a new size). */
  reset(): void {
    this.#region = this.#last = this.#seen = null;
    this.#run = 0;
    this.#calmSince = -1;
  }

  #start(box: TileBox, nowMs: number): void {
    this.#region = { ...box };
    this.#calmSince = -1;
    this.#shrinkSince = nowMs;
    this.#seen = null;
  }
}
