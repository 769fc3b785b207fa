// Which tiles differ, scanning whole pixel rows across runs of tiles rather than tile by tile: under
// full-screen damage a still screen is one long compare loop per row (2 ms at 1080p on the 2-core box, about
// a third less than 64-pixel loops per tile), and a changed tile leaves the scan at its first difference.
import { type Plane, RGB_MASK } from "./frame.ts";
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
    for (let x = area.x; x < lo; x++) {
      if (((ap[ra + x] ^ bp[rb + x]) & RGB_MASK) !== 0) {
        lo = x;
        break;
      }
    }
    for (let x = area.x + area.w - 1; x >= hi; x--) {
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
