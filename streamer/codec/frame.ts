/**
 * What the image encoders read: 32-bit pixels as the X server lays them out (ZPixmap, depth 24, little
 * endian: bytes B, G, R, X per pixel; the fourth byte is padding, never alpha), and the errors they throw.
 *
 * @module
 */
import type { Rect } from "../../protocol/screen_update.ts";
import type { Frame } from "../hybrid/frame.ts";
import { SelkiesError } from "../../errors.ts";

export type { Rect } from "../../protocol/screen_update.ts";

/** A screen image (BGRX rows `stride` bytes apart): one home, the hybrid encoder's, that both read. */
export type { Frame } from "../hybrid/frame.ts";

/**
 * An image could not be encoded or decoded (its library is missing, or refused the input). Exit code 2.
 *
 * @example
 * ```ts
 * import { CodecError } from "./frame.ts";
 * throw new CodecError("libwebp.so.7 is not installed: run scripts/install.sh (package libwebp7)");
 * ```
 */
export class CodecError extends SelkiesError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 2, options);
  }
}

/**
 * The bytes of `frame` that hold `rect`, from its first pixel to its last: what an encoder reads with the
 * frame's stride, without copying.
 *
 * @throws {RangeError} when `rect` is empty or not inside the frame, or the frame is inconsistent.
 * @example
 * ```ts
 * import { rectBytes } from "./frame.ts";
 * const frame = { data: new Uint8Array(4 * 8 * 8), width: 8, height: 8, stride: 32 };
 * rectBytes(frame, { x: 2, y: 1, w: 4, h: 2 }).byteLength; // 32 + 16
 * ```
 */
export function rectBytes(frame: Frame, rect: Rect): Uint8Array {
  const { x, y, w, h } = rect;
  if (![x, y, w, h].every(Number.isInteger) || w < 1 || h < 1 || x < 0 || y < 0) {
    throw new RangeError(`not a rectangle: ${JSON.stringify(rect)}`);
  }
  if (x + w > frame.width || y + h > frame.height) {
    throw new RangeError(`${w}x${h}+${x}+${y} is outside the ${frame.width}x${frame.height} frame`);
  }
  if (
    frame.stride < frame.width * 4 ||
    frame.data.byteLength < frame.stride * (frame.height - 1) + frame.width * 4
  ) {
    throw new RangeError(
      `${frame.data.byteLength} bytes, stride ${frame.stride}: not a ${frame.width}x${frame.height} frame`,
    );
  }
  const start = y * frame.stride + x * 4;
  return frame.data.subarray(start, start + (h - 1) * frame.stride + w * 4);
}
