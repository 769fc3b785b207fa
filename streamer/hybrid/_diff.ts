// Which tiles differ, scanning whole pixel rows across runs of tiles rather than tile by tile: under
// full-screen damage a still screen is one long compare loop per row (2 ms at 1080p on the 2-core box, about
// a third less than 64-pixel loops per tile), and a changed tile leaves the scan at its first difference.
import type { Rect } from "../../protocol/screen_update.ts";
import { type Plane, RGB_MASK } from "./frame.ts";
import { copyRect } from "./_pixels.ts";
import type { TileGrid } from "./tiles.ts";

/** Tile states during one plan: to compare, found different (0: nothing to do). */
export const PENDING = 1, CHANGED = 2;

/** Compares every PENDING tile of `a` and `b`: it becomes CHANGED or 0. Returns how many changed. */
export function diffTiles(grid: TileGrid, a: Plane, b: Plane, state: Uint8Array): number {
  const { cols, rows, size, width, height } = grid;
  const ap = a.px, bp = b.px;
  let changed = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let c = 0;
    while (c < cols && state[base + c] !== PENDING) c++;
    if (c === cols) continue;
    const yEnd = Math.min(height, (r + 1) * size);
    for (let y = r * size; y < yEnd; y++) {
      for (let t = 0; t < cols;) {
        if (state[base + t] !== PENDING) {
          t++;
          continue;
        }
        // A run of tiles still to compare: scan the row across it.
        let end = t + 1;
        while (end < cols && state[base + end] === PENDING) end++;
        const xEnd = Math.min(width, end * size);
        let x = t * size;
        while (x < xEnd) {
          let i = y * a.stride + x, j = y * b.stride + x;
          const stop = i + (xEnd - x);
          while (i < stop && ((ap[i] ^ bp[j]) & RGB_MASK) === 0) i++, j++;
          if (i === stop) break;
          const hit = Math.floor((x + i - (y * a.stride + x)) / size);
          state[base + hit] = CHANGED;
          changed++;
          x = (hit + 1) * size;
        }
        t = end;
      }
    }
    for (let k = base; k < base + cols; k++) if (state[k] === PENDING) state[k] = 0;
  }
  return changed;
}

/**
 * Narrows `area` (in place) to the columns where `a` and `b` differ, scanning each row from both ends only as
 * far as the narrowest bounds found so far. Why: the scroll search hashes whole rows of the area, and tile-
 * aligned edges would take in columns of a still neighbour (another window, the desktop), whose rows do not
 * move with the scroll. Leaves `area` as is when nothing differs.
 */
export function tightenColumns(
  a: Plane,
  b: Plane,
  area: { x: number; y: number; w: number; h: number },
): void {
  const ap = a.px, bp = b.px;
  let lo = area.x + area.w, hi = area.x; // differences seen in columns [lo, hi)
  for (let y = area.y; y < area.y + area.h; y++) {
    const ra = y * a.stride, rb = y * b.stride;
    let left = area.x;
    while (left < lo && ((ap[ra + left] ^ bp[rb + left]) & RGB_MASK) === 0) left++;
    lo = left;
    // [area.x, left) is the same in this row: the scan from the right stops there too (a row that does not
    // differ is read once, not twice).
    for (let x = area.x + area.w - 1, stop = Math.max(hi, lo); x >= stop; x--) {
      if (((ap[ra + x] ^ bp[rb + x]) & RGB_MASK) !== 0) {
        hi = x + 1;
        break;
      }
    }
  }
  if (hi <= lo) return;
  area.x = lo;
  area.w = hi - lo;
}

/**
 * Writes into `out[at..at+4)` the bounding box (x0, y0, x1, y1; ends exclusive) of the pixels that differ
 * between `a` and `b` inside `r`, or `r` itself when none do. Scans rows from the top and the bottom, then
 * columns from both sides between them: a fully changed tile costs a few pixels, a typed character about
 * one tile. Why: a changed line of text is 16 rows of a 64-row tile, a typed character 8x16 of 64x64; sending
 * the box instead of the tile is 4 to 30 times fewer pixels to encode and send.
 */
export function diffBox(a: Plane, b: Plane, r: Rect, out: Uint16Array, at: number): void {
  const ap = a.px, bp = b.px;
  const rowDiffers = (y: number) => {
    const ia = y * a.stride, ib = y * b.stride;
    for (let x = r.x; x < r.x + r.w; x++) if (((ap[ia + x] ^ bp[ib + x]) & RGB_MASK) !== 0) return true;
    return false;
  };
  const colDiffers = (x: number, y0: number, y1: number) => {
    for (let y = y0; y < y1; y++) {
      if (((ap[y * a.stride + x] ^ bp[y * b.stride + x]) & RGB_MASK) !== 0) return true;
    }
    return false;
  };
  let y0 = r.y, y1 = r.y + r.h, x0 = r.x, x1 = r.x + r.w;
  while (y0 < y1 && !rowDiffers(y0)) y0++;
  if (y0 === y1) {
    [out[at], out[at + 1], out[at + 2], out[at + 3]] = [r.x, r.y, r.x + r.w, r.y + r.h];
    return;
  }
  while (!rowDiffers(y1 - 1)) y1--;
  while (!colDiffers(x0, y0, y1)) x0++;
  while (!colDiffers(x1 - 1, y0, y1)) x1--;
  [out[at], out[at + 1], out[at + 2], out[at + 3]] = [x0, y0, x1, y1];
}

/** Copies every tile whose state is `which` from `src` to `dst`, a run of such tiles in a row at a time. */
export function copyTiles(grid: TileGrid, dst: Plane, src: Plane, state: Uint8Array, which: number): void {
  const { cols, rows, size, width, height } = grid;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols;) {
      if (state[r * cols + c] !== which) {
        c++;
        continue;
      }
      let end = c + 1;
      while (end < cols && state[r * cols + end] === which) end++;
      const x = c * size, y = r * size;
      copyRect(dst, src, x, y, Math.min(width, end * size) - x, Math.min(height, y + size) - y);
      c = end;
    }
  }
}

/**
 * Where to look for a scroll inside damage rectangle `d`: the bounding box of its CHANGED tiles, clipped to
 * `d`; null when none changed, or when fewer than a quarter of the tiles in that box did (scattered small
 * changes, such as a clock and a cursor, are no scroll, and hashing the area between them costs ms).
 */
export function changedArea(grid: TileGrid, state: Uint8Array, d: Rect): Rect | null {
  const s = grid.size;
  const x0 = Math.max(0, d.x), y0 = Math.max(0, d.y);
  const x1 = Math.min(grid.width, d.x + d.w), y1 = Math.min(grid.height, d.y + d.h);
  let c0 = Infinity, c1 = -1, r0 = Infinity, r1 = -1, n = 0;
  for (let row = Math.floor(y0 / s); row < Math.ceil(y1 / s); row++) {
    for (let c = Math.floor(x0 / s); c < Math.ceil(x1 / s); c++) {
      if (state[row * grid.cols + c] !== CHANGED) continue;
      [c0, c1, r0, r1] = [Math.min(c0, c), Math.max(c1, c), Math.min(r0, row), Math.max(r1, row)];
      n++;
    }
  }
  if (c1 < 0 || n * 4 < (c1 - c0 + 1) * (r1 - r0 + 1)) return null;
  const x = Math.max(x0, c0 * s), y = Math.max(y0, r0 * s);
  return { x, y, w: Math.min(x1, (c1 + 1) * s) - x, h: Math.min(y1, (r1 + 1) * s) - y };
}

/** The bounding box of rectangles (at least one). */
export function bounds(rects: readonly Rect[]): Rect {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const r of rects) {
    [x0, y0, x1, y1] = [
      Math.min(x0, r.x),
      Math.min(y0, r.y),
      Math.max(x1, r.x + r.w),
      Math.max(y1, r.y + r.h),
    ];
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
