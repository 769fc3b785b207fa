// Pixel loops over 32-bit planes: compare, solid-colour test, copy, row hashes. Plain indexed loops over
// typed arrays (no subarray objects per row: at 1080p a per-row allocation is ~1000 objects per update).
import { type Plane, RGB_MASK } from "./frame.ts";

/** The rectangle's colour (24 bits) when every pixel has it, else -1; stops at the first other colour. */
export function solidColor(p: Plane, x: number, y: number, w: number, h: number): number {
  const px = p.px;
  const colour = px[y * p.stride + x] & RGB_MASK;
  for (let row = 0; row < h; row++) {
    let i = (y + row) * p.stride + x;
    const end = i + w;
    for (; i < end; i++) if ((px[i] & RGB_MASK) !== colour) return -1;
  }
  return colour;
}

/** Copies a rectangle from `src` to the same place in `dst`. */
export function copyRect(dst: Plane, src: Plane, x: number, y: number, w: number, h: number): void {
  const dp = dst.px, sp = src.px;
  for (let row = 0; row < h; row++) {
    let i = (y + row) * dst.stride + x, j = (y + row) * src.stride + x;
    const end = i + w;
    for (; i < end; i++, j++) dp[i] = sp[j];
  }
}

/** Fills a rectangle with one colour. */
export function fillRect(dst: Plane, x: number, y: number, w: number, h: number, colour: number): void {
  for (let row = 0; row < h; row++) {
    const i = (y + row) * dst.stride + x;
    dst.px.fill(colour, i, i + w);
  }
}

/**
 * Moves `h` rows of columns [x, x+w) from row `sy` to row `dy` inside one plane, as the viewer's canvas does
 * for a `copy` operation: every source row is read before it is overwritten.
 */
export function moveRows(p: Plane, x: number, w: number, sy: number, dy: number, h: number): void {
  const px = p.px, s = p.stride;
  if (dy < sy) {
    for (let row = 0; row < h; row++) {
      px.copyWithin((dy + row) * s + x, (sy + row) * s + x, (sy + row) * s + x + w);
    }
  } else if (dy > sy) {
    for (let row = h - 1; row >= 0; row--) {
      px.copyWithin((dy + row) * s + x, (sy + row) * s + x, (sy + row) * s + x + w);
    }
  }
}

/**
 * One 32-bit hash per row of the rectangle (colour bits of columns [x, x+w)) into `out[0..h)`: multiply-xor
 * (FNV-1a on words) in two interleaved lanes, which the CPU runs in parallel (measured 2x faster than one
 * chain; four lanes were slower in V8). Enough to find equal rows; the planner's diff after a copy repairs
 * the rare collision.
 */
export function hashRows(p: Plane, x: number, y: number, w: number, h: number, out: Int32Array): void {
  const px = p.px;
  for (let row = 0; row < h; row++) {
    let i = (y + row) * p.stride + x;
    const end = i + w;
    let a = 0x811c9dc5 | 0, b = 0x2545f491;
    for (; i + 1 < end; i += 2) {
      a = Math.imul(a ^ (px[i] & RGB_MASK), 0x01000193);
      b = Math.imul(b ^ (px[i + 1] & RGB_MASK), 0x01000193);
    }
    if (i < end) a = Math.imul(a ^ (px[i] & RGB_MASK), 0x01000193);
    const hash = a ^ Math.imul(b ^ (b >>> 16), 0x9e3779b1);
    out[row] = hash ^ (hash >>> 15);
  }
}
