/**
 * WebP images of screen rectangles through libwebp's advanced API: lossless for text and UI, lossy for the
 * rest. The pixels are read in place (a pointer into the frame and its stride): X's padding byte is dropped
 * on import (WebPPictureImportBGRX), so every image is opaque and has no alpha channel.
 *
 * Why not the simple API (`WebPEncodeLosslessBGRA`): it reads the padding byte as alpha (0 on Xvfb, so the
 * lossless encoder may throw away the colour under "transparent" pixels) and runs at effort 70 / method 4.
 *
 * @module
 */
import { copyOut, webpLib } from "./_lib.ts";
import { CodecError, type Frame, type Rect, rectBytes } from "./frame.ts";

/** WEBP_ENCODER_ABI_VERSION of libwebp 1.2.x (the library checks the major byte). */
const ABI = 0x020f;
// struct WebPConfig (116 bytes): int lossless @0, float quality @4, int method @8, int exact @96.
const CONFIG = { bytes: 116, lossless: 0, quality: 4, method: 8, exact: 96 } as const;
// struct WebPPicture (256 bytes): int use_argb @0, int width @8, height @12, writer fn @96, custom_ptr @104,
// error_code @136.
const PICTURE = {
  bytes: 256,
  useArgb: 0,
  width: 8,
  height: 12,
  writer: 96,
  customPtr: 104,
  error: 136,
} as const;
// struct WebPMemoryWriter (32 bytes): uint8_t* mem @0, size_t size @8.
const WRITER = { bytes: 32, mem: 0, size: 8 } as const;

/** Options of {@linkcode encodeWebp}: lossless, or lossy at a quality. */
export type WebpOptions =
  | {
    /** Lossless: decodes to exactly the frame's pixels. */
    lossless: true;
    /**
     * Effort, 0 (fastest) to 9 (smallest), as `cwebp -z`.
     * @default 0
     */
    effort?: number;
  }
  | {
    /** Lossy (VP8, 4:2:0). */
    lossless: false;
    /** Quality, 0 to 100. */
    quality: number;
    /**
     * Speed/size trade-off, 0 (fastest) to 6.
     * @default 0
     */
    method?: number;
  };

// Off-heap buffers (an ArrayBuffer, never an on-heap typed array: C keeps their addresses during a call).
const config = new Uint8Array(new ArrayBuffer(CONFIG.bytes));
const picture = new Uint8Array(new ArrayBuffer(PICTURE.bytes));
const writer = new Uint8Array(new ArrayBuffer(WRITER.bytes));

/**
 * Encodes `rect` of `frame` (BGRX) as a WebP image, opaque.
 *
 * @throws {RangeError} when `rect` is not inside the frame.
 * @throws {CodecError} when libwebp is missing or refuses the image.
 * @example
 * ```ts
 * import { encodeWebp } from "./webp.ts";
 * const frame = { data: new Uint8Array(64 * 64 * 4).fill(255), width: 64, height: 64, stride: 256 };
 * const webp = encodeWebp(frame, { x: 0, y: 0, w: 32, h: 16 }, { lossless: true });
 * new TextDecoder().decode(webp.subarray(8, 12)); // "WEBP"
 * ```
 */
export function encodeWebp(frame: Frame, rect: Rect, options: WebpOptions): Uint8Array<ArrayBuffer> {
  const pixels = rectBytes(frame, rect);
  const { fn, memoryWrite } = webpLib();
  const c = new DataView(config.buffer);
  if (options.lossless) {
    // The levels of WebPConfigLosslessPreset (libwebp 1.2.4, config_enc.c): method and quality per effort.
    const level = Math.max(0, Math.min(9, Math.round(options.effort ?? 0)));
    const method = [0, 1, 2, 3, 3, 4, 4, 4, 5, 6][level];
    const quality = [0, 20, 25, 30, 50, 50, 75, 90, 90, 100][level];
    if (!fn.WebPConfigInitInternal(config, 0, quality, ABI)) throw new CodecError("libwebp: bad config ABI");
    c.setInt32(CONFIG.lossless, 1, true);
    c.setInt32(CONFIG.method, method, true);
  } else {
    const quality = Math.max(0, Math.min(100, options.quality));
    if (!fn.WebPConfigInitInternal(config, 0, quality, ABI)) throw new CodecError("libwebp: bad config ABI");
    c.setInt32(CONFIG.method, Math.max(0, Math.min(6, Math.round(options.method ?? 0))), true);
  }
  c.setInt32(CONFIG.exact, 0, true);

  if (!fn.WebPPictureInitInternal(picture, ABI)) throw new CodecError("libwebp: bad picture ABI");
  const p = new DataView(picture.buffer);
  p.setInt32(PICTURE.useArgb, options.lossless ? 1 : 0, true); // lossy imports straight to YUV
  p.setInt32(PICTURE.width, rect.w, true);
  p.setInt32(PICTURE.height, rect.h, true);
  fn.WebPMemoryWriterInit(writer);
  p.setBigUint64(PICTURE.writer, BigInt(Deno.UnsafePointer.value(memoryWrite)), true);
  p.setBigUint64(PICTURE.customPtr, BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(writer))), true);
  try {
    if (!fn.WebPPictureImportBGRX(picture, pixels, frame.stride)) {
      throw new CodecError(`libwebp: cannot import ${rect.w}x${rect.h} pixels (out of memory?)`);
    }
    if (!fn.WebPEncode(config, picture)) {
      throw new CodecError(
        `libwebp: encoding ${rect.w}x${rect.h} failed (error ${p.getInt32(PICTURE.error, true)})`,
      );
    }
    const w = new DataView(writer.buffer);
    const mem = Deno.UnsafePointer.create(w.getBigUint64(WRITER.mem, true));
    const size = Number(w.getBigUint64(WRITER.size, true));
    if (!mem || size === 0) throw new CodecError("libwebp: empty output");
    return copyOut(mem, size);
  } finally {
    fn.WebPPictureFree(picture);
    fn.WebPMemoryWriterClear(writer);
  }
}

/** A decoded image: BGRA pixels, rows packed (`stride = width * 4`). */
export interface DecodedImage {
  data: Uint8Array<ArrayBuffer>;
  width: number;
  height: number;
  stride: number;
}

/**
 * Decodes a WebP image to BGRA (for tests and checks; browsers decode what the viewer receives).
 *
 * @throws {CodecError} when `webp` is not a WebP image.
 * @example
 * ```ts
 * import { decodeWebp, encodeWebp } from "./webp.ts";
 * const frame = { data: new Uint8Array(8 * 8 * 4).fill(7), width: 8, height: 8, stride: 32 };
 * const image = decodeWebp(encodeWebp(frame, { x: 0, y: 0, w: 8, h: 8 }, { lossless: true }));
 * image.data[0]; // 7
 * ```
 */
export function decodeWebp(webp: Uint8Array): DecodedImage {
  const { fn } = webpLib();
  const size = new Int32Array(2);
  const out = fn.WebPDecodeBGRA(webp, BigInt(webp.byteLength), size.subarray(0, 1), size.subarray(1, 2));
  if (!out) throw new CodecError(`not a WebP image (${webp.byteLength} bytes)`);
  try {
    const [width, height] = size;
    return { data: copyOut(out, width * height * 4), width, height, stride: width * 4 };
  } finally {
    fn.WebPFree(out);
  }
}
