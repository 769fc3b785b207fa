// Full-screen video, region video or tiles, per update: the planner's step 3. Motion that one region
// explains does not count towards full-screen video (a GL viewport on ~40 % of a 4K screen hovered around the
// full-screen threshold and flipped between modes); motion spread over the screen, or a region covering
// nearly all of it, still does.
import type { Rect } from "../../protocol/screen_update.ts";
import { CHANGED } from "./_diff.ts";
import type { Plan, PlannedOp } from "./plan.ts";
import { findRegion, RegionSwitch, type TileBox, type VideoRegionOptions } from "./region.ts";
import type { TileGrid } from "./tiles.ts";
import { VideoSwitch, type VideoSwitchOptions } from "./video.ts";

/** Share of the screen one update must change (after copies) to count as motion by itself. */
const WHOLESALE_CHANGE = 0.6;
/**
 * A region candidate this large (share of the screen) is whole-screen motion, not a region: full-screen video
 * then costs the same to encode, and the loop only watches the screen at 10 Hz instead of planning every
 * frame. Lower while full-screen video runs, so a box near the limit does not flip between the two (each
 * switch costs a keyframe and a round of refinement). glxspheres full screen: a 59 % box (720p, llvmpipe).
 */
const REGION_MAX_SHARE = 0.8, REGION_MAX_SHARE_IN_FULL = 0.7;

/** The video decision of one planner: full-screen video, a region, or none. */
export class VideoChoice {
  readonly #full: VideoSwitch;
  readonly #region: RegionSwitch;
  readonly #o: VideoRegionOptions;
  readonly #scratch: { seen?: Uint8Array; stack?: Int32Array } = {};
  readonly #r: Rect = { x: 0, y: 0, w: 0, h: 0 };

  constructor(options: VideoSwitchOptions & VideoRegionOptions) {
    this.#full = new VideoSwitch(options);
    this.#region = new RegionSwitch(options);
    this.#o = options;
  }

  /** Whether the whole screen is video. */
  get full(): boolean {
    return this.#full.on;
  }

  /** The tiles sent as region video; null when none (or when the whole screen is video). */
  get region(): TileBox | null {
    return this.#region.region;
  }

  /** When video (full or region) would end if nothing moves until then; null if not calm or no video. */
  get leaveAt(): number | null {
    return this.#full.on ? this.#full.leaveAt : this.#region.leaveAt;
  }

  /**
   * Feeds one update: `mask` per tile (0 still, 1 moving, 2 moving and photo-like) and `state` per tile
   * (CHANGED: changed in this update itself).
   */
  update(grid: TileGrid, mask: Uint8Array, state: Uint8Array, nowMs: number): void {
    const { cols, rows, size, width, height } = grid, r = this.#r;
    const candidate = findRegion(mask, cols, rows, size, width, height, this.#o, this.#scratch);
    const screen = width * height;
    const max = this.#full.on ? REGION_MAX_SHARE_IN_FULL : REGION_MAX_SHARE;
    const region = candidate && boxRect(grid, candidate, r).w * r.h < max * screen ? candidate : null;
    // Moving and changed pixels, outside the region candidate when there is one.
    let moving = 0, changed = 0;
    for (let i = 0; i < grid.count; i++) {
      if ((!mask[i] && state[i] !== CHANGED) || (region && inBox(region, i, cols))) continue;
      const area = grid.rect(i, r).w * r.h;
      if (mask[i]) moving += area;
      if (state[i] === CHANGED) changed += area;
    }
    // Or most of the screen changed in this update alone (after copies): a viewer that draws 3 updates a
    // second never lets a tile change 3 times in 500 ms, yet a screen that changes nearly all over in update
    // after update is motion (measured: the benchmark's panning texture stayed in JPEG tiles at 20 Mbit/s).
    const wholesale = changed >= WHOLESALE_CHANGE * screen ? changed : 0;
    const wasFull = this.#full.on;
    if (this.#full.update(Math.max(moving, wholesale) / screen, nowMs)) this.#region.reset();
    // The motion full-screen video was for fits a region now (a large window: 60 % of the screen changing
    // starts full-screen video before a region can form): hand over at once, no round of tiles between.
    else if (wasFull && region) this.#region.take(region, nowMs);
    else this.#region.update(candidate, mask, cols, nowMs);
  }

  /** Whether tile `i` (of a grid of `cols` columns) is in the video region. */
  covers(i: number, cols: number): boolean {
    const box = this.#region.region;
    return box !== null && inBox(box, i, cols);
  }

  /** Whether `area` meets the video region (of tiles of side `tile`). */
  meets(area: Rect, tile: number): boolean {
    const b = this.#region.region;
    return b !== null && area.x < b.c1 * tile && area.x + area.w > b.c0 * tile && area.y < b.r1 * tile &&
      area.y + area.h > b.r0 * tile;
  }

  /** A tile plan of `ops`, with the video region when there is one. */
  plan(grid: TileGrid, ops: PlannedOp[], key: boolean): Plan {
    const box = this.#region.region;
    return box
      ? { ops, video: true, key, region: boxRect(grid, box, { x: 0, y: 0, w: 0, h: 0 }) }
      : { ops, video: false, key };
  }

  /** Tiles only, no history (a keyframe of a new screen size). */
  reset(): void {
    this.#full.reset();
    this.#region.reset();
  }
}

/** Whether tile `i` lies in `box`. */
export function inBox(box: TileBox, i: number, cols: number): boolean {
  const c = i % cols, row = (i - c) / cols;
  return c >= box.c0 && c < box.c1 && row >= box.r0 && row < box.r1;
}

/** The screen rectangle of a box of tiles (clipped to the screen), written into `out`. */
export function boxRect(grid: TileGrid, box: TileBox, out: Rect): Rect {
  out.x = box.c0 * grid.size;
  out.y = box.r0 * grid.size;
  out.w = Math.min(grid.width, box.c1 * grid.size) - out.x;
  out.h = Math.min(grid.height, box.r1 * grid.size) - out.y;
  return out;
}
