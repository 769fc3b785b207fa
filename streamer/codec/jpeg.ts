/**
 * JPEG images of screen rectangles through libjpeg-turbo's TurboJPEG API, for photo-like content. The pixels
 * are read in place (a pointer into the frame, pitch = stride, TJPF_BGRX: the padding byte is ignored).
 * One compressor per process (encodes run one at a time on the calling thread).
 *
 * @module
 */
import { copyOut, turbojpegLib } from "./_lib.ts";
import { CodecError, type Frame, type Rect, rectBytes } from "./frame.ts";
import type { DecodedImage } from "./webp.ts";

const TJPF_BGRX = 3;
const TJPF_BGRA = 8;
const TJSAMP = { "444": 0, "420": 2 } as const;
const TJFLAG_FASTDCT = 2048;

/** Options of {@linkcode encodeJpeg}. */
export interface JpegOptions {
  /** Quality, 1 to 100. */
  quality: number;
  /** Chroma subsampling: 4:2:0 (smaller) or 4:4:4 (coloured text stays sharp). */
  subsampling: "420" | "444";
}

let compressor: NonNullable<Deno.PointerValue> | null = null;
let decompressor: NonNullable<Deno.PointerValue> | null = null;
const out = new BigUint64Array(new ArrayBuffer(16)); // [0]: unsigned char* jpegBuf, [1]: unsigned long jpegSize

function failure(handle: Deno.PointerValue, what: string): CodecError {
  const message = turbojpegLib().tjGetErrorStr2(handle);
  const text = message ? new Deno.UnsafePointerView(message).getCString() : "unknown error";
  return new CodecError(`libturbojpeg: ${what}: ${text}`);
}

/**
 * Encodes `rect` of `frame` (BGRX) as a baseline JPEG.
 *
 * @throws {RangeError} when `rect` is not inside the frame.
 * @throws {CodecError} when libturbojpeg is missing or fails.
 * @example
 * ```ts
 * import { encodeJpeg } from "./jpeg.ts";
 * const frame = { data: new Uint8Array(64 * 64 * 4).fill(128), width: 64, height: 64, stride: 256 };
 * const jpeg = encodeJpeg(frame, { x: 0, y: 0, w: 64, h: 64 }, { quality: 80, subsampling: "420" });
 * [jpeg[0], jpeg[1]]; // [0xff, 0xd8]
 * ```
 */
export function encodeJpeg(frame: Frame, rect: Rect, options: JpegOptions): Uint8Array<ArrayBuffer> {
  const pixels = rectBytes(frame, rect);
  const tj = turbojpegLib();
  compressor ??= tj.tjInitCompress() ?? null;
  if (!compressor) throw failure(null, "tjInitCompress");
  const quality = Math.max(1, Math.min(100, Math.round(options.quality)));
  out.fill(0n); // NULL: TurboJPEG allocates the output, freed below
  const bytes = new Uint8Array(out.buffer);
  const status = tj.tjCompress2(
    compressor,
    pixels,
    rect.w,
    frame.stride,
    rect.h,
    TJPF_BGRX,
    bytes.subarray(0, 8),
    bytes.subarray(8, 16),
    TJSAMP[options.subsampling],
    quality,
    TJFLAG_FASTDCT,
  );
  const buffer = Deno.UnsafePointer.create(out[0]);
  try {
    if (status !== 0 || !buffer) throw failure(compressor, `encoding ${rect.w}x${rect.h}`);
    return copyOut(buffer, Number(out[1]));
  } finally {
    if (buffer) tj.tjFree(buffer);
  }
}

/**
 * Decodes a JPEG image to BGRA (for tests and checks; browsers decode what the viewer receives).
 *
 * @throws {CodecError} when `jpeg` is not a JPEG image.
 * @example
 * ```ts
 * import { decodeJpeg, encodeJpeg } from "./jpeg.ts";
 * const frame = { data: new Uint8Array(16 * 16 * 4).fill(200), width: 16, height: 16, stride: 64 };
 * const jpeg = encodeJpeg(frame, { x: 0, y: 0, w: 16, h: 16 }, { quality: 90, subsampling: "444" });
 * decodeJpeg(jpeg).width; // 16
 * ```
 */
export function decodeJpeg(jpeg: Uint8Array): DecodedImage {
  const tj = turbojpegLib();
  decompressor ??= tj.tjInitDecompress() ?? null;
  if (!decompressor) throw failure(null, "tjInitDecompress");
  const header = new Int32Array(4); // width, height, subsampling, colorspace
  const field = (i: number) => header.subarray(i, i + 1);
  const size = BigInt(jpeg.byteLength);
  if (tj.tjDecompressHeader3(decompressor, jpeg, size, field(0), field(1), field(2), field(3)) !== 0) {
    throw failure(decompressor, "reading the header");
  }
  const [width, height] = header;
  const data = new Uint8Array(width * height * 4);
  if (tj.tjDecompress2(decompressor, jpeg, size, data, width, width * 4, height, TJPF_BGRA, 0) !== 0) {
    throw failure(decompressor, "decoding");
  }
  return { data, width, height, stride: width * 4 };
}
