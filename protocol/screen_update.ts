/**
 * Screen updates of the hybrid encoding: the rule both ends share (zod-free: the browser bundle imports it).
 *
 * With `--encoding hybrid` the WebSocket transport's video frames (framing.ts, kind `video`, numbered and
 * acknowledged as in pacing.ts) carry, instead of one H.264 access unit, a list of drawing operations that
 * the page applies to its canvas in order. `hello.codec` is then {@linkcode SCREEN_CODEC}. A keyframe
 * (`key` flag) starts with a `size` operation and paints the whole screen, so a viewer that skipped frames
 * resumes from it; other updates only paint what changed since the previous one.
 *
 * Operation layout (big-endian, one type byte first):
 *
 * | op | bytes after the type byte |
 * |---|---|
 * | 1 size | u16 width, u16 height: resize the canvas (its content is undefined until painted) |
 * | 2 copy | u16 sx, sy, w, h, dx, dy: copy a rectangle of the canvas as it was before this operation |
 * | 3 fill | u16 x, y, w, h, u8 r, g, b: a solid rectangle |
 * | 4 image | u8 format, u8 flags (bit 0: lossless), u16 x, y, w, h, u32 length, bytes: a PNG, WebP or JPEG |
 * | 5 video | u8 flags (bit 0: keyframe), u16 x, y, w, h, u32 length, bytes: one access unit of the codec set by `codec`, drawn at x, y |
 * | 6 codec | u8 length, ASCII: the WebCodecs codec string of the `video` operations that follow |
 *
 * @module
 */

/** `hello.codec` of a session whose WebSocket video is screen updates. */
export const SCREEN_CODEC = "selkies-screen/1";

/** Image formats of `image` operations, and their MIME types. */
export const ImageFormat = { png: 1, webp: 2, jpeg: 3 } as const;
/** Name of an image format. */
export type ImageFormatName = keyof typeof ImageFormat;
/** MIME type of each image format (what `createImageBitmap` is given). */
export const IMAGE_MIME: Record<ImageFormatName, string> = {
  png: "image/png",
  webp: "image/webp",
  jpeg: "image/jpeg",
};

/** A rectangle in screen pixels. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One drawing operation. */
export type ScreenOp =
  | { op: "size"; width: number; height: number }
  | { op: "copy"; sx: number; sy: number; w: number; h: number; dx: number; dy: number }
  | { op: "fill"; x: number; y: number; w: number; h: number; rgb: [number, number, number] }
  | (Rect & { op: "image"; format: ImageFormatName; lossless: boolean; data: Uint8Array })
  | (Rect & { op: "video"; key: boolean; data: Uint8Array })
  | { op: "codec"; codec: string };

const OP = { size: 1, copy: 2, fill: 3, image: 4, video: 5, codec: 6 } as const;
const FORMAT_NAMES = ["", "png", "webp", "jpeg"] as const;
/** Largest side of a screen (protocol/screen.ts allows less; u16 on the wire). */
const MAX_SIDE = 0xffff;

/**
 * Builds one update: operations are appended in drawing order, then {@linkcode ScreenUpdateWriter.finish}
 * returns the payload.
 *
 * @example
 * ```ts
 * import { decodeScreenUpdate, ScreenUpdateWriter } from "./screen_update.ts";
 * const update = new ScreenUpdateWriter()
 *   .add({ op: "size", width: 64, height: 32 })
 *   .add({ op: "fill", x: 0, y: 0, w: 64, h: 32, rgb: [255, 255, 255] })
 *   .add({ op: "copy", sx: 0, sy: 8, w: 64, h: 24, dx: 0, dy: 0 })
 *   .finish();
 * decodeScreenUpdate(update).length; // 3
 * ```
 */
export class ScreenUpdateWriter {
  #parts: Uint8Array[] = [];
  #bytes = 0;

  /** Appends one operation. */
  add(op: ScreenOp): this {
    switch (op.op) {
      case "size":
        return this.#push(OP.size, [], [op.width, op.height]);
      case "copy":
        return this.#push(OP.copy, [], [op.sx, op.sy, op.w, op.h, op.dx, op.dy]);
      case "fill":
        return this.#push(OP.fill, [], [op.x, op.y, op.w, op.h], op.rgb);
      case "image":
        return this.#push(
          OP.image,
          [ImageFormat[op.format], op.lossless ? 1 : 0],
          [op.x, op.y, op.w, op.h],
          [],
          op.data,
        );
      case "video":
        return this.#push(OP.video, [op.key ? 1 : 0], [op.x, op.y, op.w, op.h], [], op.data);
      case "codec": {
        const ascii = new TextEncoder().encode(op.codec);
        if (ascii.byteLength > 255) throw new RangeError(`codec string too long: ${op.codec}`);
        return this.#append(Uint8Array.of(OP.codec, ascii.byteLength), ascii);
      }
    }
  }

  /** Bytes appended so far. */
  get byteLength(): number {
    return this.#bytes;
  }

  /** The update's payload. */
  finish(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.#bytes);
    let at = 0;
    for (const part of this.#parts) {
      out.set(part, at);
      at += part.byteLength;
    }
    return out;
  }

  #push(type: number, head: number[], u16: number[], tail: number[] = [], data?: Uint8Array): this {
    const size = 1 + head.length + u16.length * 2 + tail.length + (data ? 4 : 0);
    const bytes = new Uint8Array(size);
    const view = new DataView(bytes.buffer);
    let at = 0;
    bytes[at++] = type;
    for (const b of head) bytes[at++] = b;
    for (const v of u16) {
      if (!Number.isInteger(v) || v < 0 || v > MAX_SIDE) throw new RangeError(`not a u16 coordinate: ${v}`);
      view.setUint16(at, v);
      at += 2;
    }
    for (const b of tail) bytes[at++] = b;
    if (data) view.setUint32(at, data.byteLength);
    return data ? this.#append(bytes, data) : this.#append(bytes);
  }

  #append(...parts: Uint8Array[]): this {
    for (const part of parts) {
      this.#parts.push(part);
      this.#bytes += part.byteLength;
    }
    return this;
  }
}

/** A malformed screen update. */
export class ScreenUpdateError extends Error {
  override name = "ScreenUpdateError";
}

/**
 * Decodes an update into its operations (image and video bytes are views into `bytes`). Every rectangle is
 * checked against the screen size of the update's own `size` operation, or `screen` when it has none.
 *
 * @throws {ScreenUpdateError} when the update is truncated, has an unknown operation or paints outside the
 * screen.
 * @example
 * ```ts
 * import { decodeScreenUpdate } from "./screen_update.ts";
 * decodeScreenUpdate(Uint8Array.of(1, 0, 64, 0, 32)); // [{ op: "size", width: 64, height: 32 }]
 * ```
 */
export function decodeScreenUpdate(
  bytes: Uint8Array,
  screen?: { width: number; height: number },
): ScreenOp[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ops: ScreenOp[] = [];
  let at = 0;
  let size = screen;
  const need = (n: number) => {
    if (at + n > bytes.byteLength) {
      throw new ScreenUpdateError(`truncated at byte ${at} of ${bytes.byteLength}`);
    }
  };
  const u8 = () => (need(1), bytes[at++]);
  const u16 = () => (need(2), at += 2, view.getUint16(at - 2));
  const rect = (): Rect => {
    const r = { x: u16(), y: u16(), w: u16(), h: u16() };
    inside(r);
    return r;
  };
  const inside = (r: Rect) => {
    if (!size) throw new ScreenUpdateError("a rectangle before the screen size is known");
    if (r.w === 0 || r.h === 0 || r.x + r.w > size.width || r.y + r.h > size.height) {
      throw new ScreenUpdateError(
        `rectangle ${r.w}x${r.h}+${r.x}+${r.y} outside ${size.width}x${size.height}`,
      );
    }
  };
  const blob = () => {
    need(4);
    const length = view.getUint32(at);
    at += 4;
    need(length);
    at += length;
    return bytes.subarray(at - length, at);
  };
  while (at < bytes.byteLength) {
    const type = u8();
    if (type === OP.size) {
      const width = u16(), height = u16();
      if (width === 0 || height === 0) throw new ScreenUpdateError(`empty screen size ${width}x${height}`);
      size = { width, height };
      ops.push({ op: "size", width, height });
    } else if (type === OP.copy) {
      const sx = u16(), sy = u16(), w = u16(), h = u16(), dx = u16(), dy = u16();
      inside({ x: sx, y: sy, w, h });
      inside({ x: dx, y: dy, w, h });
      ops.push({ op: "copy", sx, sy, w, h, dx, dy });
    } else if (type === OP.fill) {
      const r = rect();
      ops.push({ op: "fill", ...r, rgb: [u8(), u8(), u8()] });
    } else if (type === OP.image) {
      const format = FORMAT_NAMES[u8()];
      if (!format) throw new ScreenUpdateError(`unknown image format at byte ${at - 1}`);
      const lossless = (u8() & 1) === 1;
      ops.push({ op: "image", format, lossless, ...rect(), data: blob() });
    } else if (type === OP.video) {
      const key = (u8() & 1) === 1;
      ops.push({ op: "video", key, ...rect(), data: blob() });
    } else if (type === OP.codec) {
      const length = u8();
      need(length);
      at += length;
      ops.push({ op: "codec", codec: new TextDecoder().decode(bytes.subarray(at - length, at)) });
    } else {
      throw new ScreenUpdateError(`unknown operation ${type} at byte ${at - 1}`);
    }
  }
  return ops;
}
