/**
 * The tile grid and what the encoder remembers per tile: when it last changed (the last few times, to tell
 * motion from a one-off redraw) and whether the viewers hold it exact or lossy.
 *
 * Why tiles: a damage rectangle from X is coarse (a whole window on a redraw), and what really changed is
 * found by comparing pixels; a 64x64 tile is small enough that a cursor blink costs one small image, large
 * enough that a 1080p screen is 510 tiles whose bookkeeping costs microseconds.
 *
 * @module
 */
import type { Rect } from "../../protocol/screen_update.ts";
import type { RowMove } from "./scroll.ts";

/** How the viewers hold a tile's pixels. */
export const Held = { exact: 0, lossy: 1 } as const;

/**
 * A screen cut into square tiles (edge tiles smaller), with each tile's change history and whether the
 * viewers hold it exact.
 *
 * @example
 * ```ts
 * import { TileGrid } from "./tiles.ts";
 * const grid = new TileGrid(1920, 1080, 64);
 * grid.cols * grid.rows; // 510
 * grid.rect(29, { x: 0, y: 0, w: 0, h: 0 }); // { x: 1856, y: 0, w: 64, h: 64 }
 * grid.changed(29, 0); grid.changed(29, 100); grid.changed(29, 200);
 * grid.isMoving(29, 300, 3, 500); // true
 * ```
 */
export class TileGrid {
  /** Screen width in pixels. */
  readonly width: number;
  /** Screen height in pixels. */
  readonly height: number;
  /** Tile side in pixels. */
  readonly size: number;
  /** Tiles per row. */
  readonly cols: number;
  /** Tile rows. */
  readonly rows: number;
  /** Whether the viewers hold each tile exact or lossy ({@linkcode Held}). */
  readonly held: Uint8Array;
  /** When each tile last changed (-Infinity: never). */
  readonly lastChange: Float64Array;
  // The times of the last HISTORY changes per tile, newest first: tile i's are [i*HISTORY, (i+1)*HISTORY).
  readonly #history: Float64Array;
  readonly #heldBefore: Uint8Array;
  static readonly HISTORY = 4;

  /** Creates the grid of a `width` x `height` screen; every tile held exact, never changed. */
  constructor(width: number, height: number, size = 64) {
    this.width = width;
    this.height = height;
    this.size = size;
    this.cols = Math.ceil(width / size);
    this.rows = Math.ceil(height / size);
    const n = this.cols * this.rows;
    this.held = new Uint8Array(n);
    this.lastChange = new Float64Array(n).fill(-Infinity);
    this.#history = new Float64Array(n * TileGrid.HISTORY).fill(-Infinity);
    this.#heldBefore = new Uint8Array(n);
  }

  /** Number of tiles. */
  get count(): number {
    return this.held.length;
  }

  /** Tile `i`'s rectangle, written into `out` (no allocation). */
  rect(i: number, out: Rect): Rect {
    const c = i % this.cols, r = (i - c) / this.cols;
    out.x = c * this.size;
    out.y = r * this.size;
    out.w = Math.min(this.size, this.width - out.x);
    out.h = Math.min(this.size, this.height - out.y);
    return out;
  }

  /** Records that tile `i` changed at `nowMs`. */
  changed(i: number, nowMs: number): void {
    const h = this.#history, base = i * TileGrid.HISTORY;
    for (let k = TileGrid.HISTORY - 1; k > 0; k--) h[base + k] = h[base + k - 1];
    h[base] = nowMs;
    this.lastChange[i] = nowMs;
  }

  /**
   * Whether tile `i` changed at least `changes` times (at most {@linkcode TileGrid.HISTORY}) within the last
   * `windowMs` before `nowMs`.
   */
  isMoving(i: number, nowMs: number, changes: number, windowMs: number): boolean {
    return this.#history[i * TileGrid.HISTORY + changes - 1] >= nowMs - windowMs;
  }

  /** Sets `out[i] = value` for every tile i that touches the rectangle (clipped to the screen). */
  mark(r: Rect, out: Uint8Array, value = 1): void {
    const x0 = Math.max(0, r.x), y0 = Math.max(0, r.y);
    const x1 = Math.min(this.width, r.x + r.w), y1 = Math.min(this.height, r.y + r.h);
    if (x1 <= x0 || y1 <= y0) return;
    const c0 = Math.floor(x0 / this.size), c1 = Math.ceil(x1 / this.size);
    const r0 = Math.floor(y0 / this.size), r1 = Math.ceil(y1 / this.size);
    for (let row = r0; row < r1; row++) out.fill(value, row * this.cols + c0, row * this.cols + c1);
  }

  /**
   * After a copy of rows (`move`, over columns [x, x+w)) on the viewers' canvas: the destination tiles hold
   * what their source tiles held, since copied lossy pixels stay lossy; a tile the copy covers only in part
   * keeps its own state as well. Lossy tiles count as changed at `nowMs` for refinement only (not as motion),
   * so content that keeps scrolling is refined once it stops, not at every step.
   */
  moveHeld(x: number, w: number, move: RowMove, nowMs: number): void {
    const s = this.size, before = this.#heldBefore, m = move;
    before.set(this.held);
    const c0 = Math.floor(x / s), c1 = Math.ceil((x + w) / s);
    for (let row = Math.floor(m.dy / s); row < Math.ceil((m.dy + m.h) / s); row++) {
      const y0 = Math.max(row * s, m.dy), y1 = Math.min((row + 1) * s, m.dy + m.h, this.height);
      const s0 = Math.floor((y0 - m.dy + m.sy) / s), s1 = Math.ceil((y1 - m.dy + m.sy) / s);
      const rowCovered = y0 === row * s && y1 === Math.min((row + 1) * s, this.height);
      for (let c = c0; c < c1; c++) {
        const i = row * this.cols + c;
        const covered = rowCovered && c * s >= x && Math.min((c + 1) * s, this.width) <= x + w;
        let lossy = covered ? 0 : before[i];
        for (let sr = s0; sr < s1 && !lossy; sr++) lossy = before[sr * this.cols + c];
        this.held[i] = lossy;
        if (lossy) this.lastChange[i] = nowMs;
      }
    }
  }
}
