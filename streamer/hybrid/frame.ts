/**
 * The screen as the hybrid encoder sees it: a BGRX pixel buffer (what XShm and XGetImage return on a
 * 24-bit little-endian display), and the 32-bit view the decision core works on.
 *
 * @module
 */

/**
 * One captured screen: 4 bytes per pixel (B, G, R, X), rows `stride` bytes apart. The X byte is garbage
 * (X servers leave anything there), so every comparison and hash looks at the low 24 bits only.
 */
export interface Frame {
  /** The pixels, at least `stride * (height - 1) + width * 4` bytes. */
  data: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Bytes from one row to the next (a multiple of 4 in every X server's images). */
  stride: number;
}

/** The colour bits of a BGRX pixel read as a little-endian 32-bit word. */
export const RGB_MASK = 0xffffff;

/** Pixels as 32-bit words, rows `stride` words apart. */
export interface Plane {
  /** The pixels. */
  px: Uint32Array;
  /** Words from one row to the next. */
  stride: number;
}

/**
 * A 32-bit view of a frame, without copying when the buffer is 4-byte aligned (the usual case); otherwise the
 * pixels are copied into `scratch` (grown when too small) and the view is of the copy.
 *
 * @throws {RangeError} when the buffer is shorter than the frame says.
 * @example
 * ```ts
 * import { planeOf } from "./frame.ts";
 * const plane = planeOf({ data: new Uint8Array(4 * 8 * 2), width: 8, height: 2, stride: 32 });
 * plane.stride; // 8
 * ```
 */
export function planeOf(frame: Frame, scratch?: { buffer?: Uint32Array }): Plane {
  const { data, width, height, stride } = frame;
  if (width <= 0 || height <= 0 || stride < width * 4) {
    throw new RangeError(`bad frame geometry ${width}x${height}, stride ${stride}`);
  }
  const need = stride * (height - 1) + width * 4;
  if (data.byteLength < need) {
    throw new RangeError(`frame buffer has ${data.byteLength} bytes, ${width}x${height} needs ${need}`);
  }
  if (data.byteOffset % 4 === 0 && stride % 4 === 0) {
    return { px: new Uint32Array(data.buffer, data.byteOffset, (need + 3) >> 2), stride: stride >> 2 };
  }
  // Unaligned: copy row by row into a packed buffer (slow path; XShm segments are page-aligned).
  const words = width * height;
  const holder = scratch ?? {};
  if (!holder.buffer || holder.buffer.length < words) holder.buffer = new Uint32Array(words);
  const px = holder.buffer;
  const bytes = new Uint8Array(px.buffer, 0, words * 4);
  for (let y = 0; y < height; y++) {
    bytes.set(data.subarray(y * stride, y * stride + width * 4), y * width * 4);
  }
  return { px, stride: width };
}
