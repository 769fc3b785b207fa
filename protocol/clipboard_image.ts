/**
 * PNG images on the clipboard, both ways, as binary frames on the viewer WebSocket: one home for both ends
 * (zod-free, the browser bundle imports it).
 *
 * Why binary chunks and not base64 in a `clip` message: a control message holds at most `MAX_CONTROL_BYTES`
 * (256 KiB), so base64 would cap an image at ~190 KiB, less than a 1080p screenshot of a busy screen as PNG
 * (measured 0.3-2 MB); chunks of {@linkcode CLIP_IMAGE_CHUNK_BYTES} carry up to
 * {@linkcode MAX_CLIPBOARD_IMAGE_BYTES} through the gateway's relay (which passes binary frames up to
 * `MAX_CONTROL_BYTES`, and none from view-only viewers) without a JSON parse of megabytes.
 *
 * A frame: byte 0 the kind {@linkcode CLIP_IMAGE_FRAME_KIND}, byte 1 reserved (0), bytes 2-5 the image's
 * number (uint32), bytes 6-9 the image's whole size, bytes 10-13 this chunk's offset (both uint32), then at
 * most {@linkcode CLIP_IMAGE_CHUNK_BYTES} of the PNG. Chunks of one image come in order; the last one ends at
 * the size. Nothing but the PNG signature is ever checked by the streamer: the bytes go to the X clipboard as
 * they came.
 *
 * @module
 */

/** Kind byte of a clipboard image chunk (after video 1, audio 2, transfer 3, microphone 4). */
export const CLIP_IMAGE_FRAME_KIND = 5;
/** Size of a chunk's header in bytes. */
export const CLIP_IMAGE_HEADER_BYTES = 14;
/** Most image bytes in one chunk: 128 KiB, well inside `MAX_CONTROL_BYTES`. */
export const CLIP_IMAGE_CHUNK_BYTES = 128 * 1024;
/** Largest clipboard image carried either way, in bytes (a 4K screenshot as PNG is 1-8 MB). */
export const MAX_CLIPBOARD_IMAGE_BYTES = 8 * 1024 * 1024;
/** The eight bytes every PNG file starts with. */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Whether `bytes` start with the PNG signature (the only check the image ever gets).
 *
 * @example
 * ```ts
 * import { isPng } from "./clipboard_image.ts";
 * isPng(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])); // true
 * ```
 */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.byteLength > PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * Why an image of `size` bytes is not carried, in words for the user, or `undefined` when it fits.
 *
 * @example
 * ```ts
 * import { imageSizeProblem } from "./clipboard_image.ts";
 * imageSizeProblem(9 * 1024 * 1024); // "the clipboard image is 9.0 MiB, over the 8.0 MiB limit: ..."
 * ```
 */
export function imageSizeProblem(size: number): string | undefined {
  if (size <= MAX_CLIPBOARD_IMAGE_BYTES) return undefined;
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `the clipboard image is ${mib(size)}, over the ${mib(MAX_CLIPBOARD_IMAGE_BYTES)} limit: ` +
    "copy a smaller image, or send it as a file";
}

/**
 * Cuts a PNG into chunk frames for image number `id`.
 *
 * @throws {RangeError} when the image is over {@linkcode MAX_CLIPBOARD_IMAGE_BYTES} or empty.
 * @example
 * ```ts
 * import { encodeImageChunks } from "./clipboard_image.ts";
 * encodeImageChunks(1, new Uint8Array(300_000)).length; // 3
 * ```
 */
export function encodeImageChunks(id: number, png: Uint8Array): Uint8Array[] {
  const problem = png.byteLength === 0 ? "the clipboard image is empty" : imageSizeProblem(png.byteLength);
  if (problem) throw new RangeError(problem);
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < png.byteLength; offset += CLIP_IMAGE_CHUNK_BYTES) {
    const data = png.subarray(offset, offset + CLIP_IMAGE_CHUNK_BYTES);
    const out = new Uint8Array(CLIP_IMAGE_HEADER_BYTES + data.byteLength);
    const view = new DataView(out.buffer);
    view.setUint8(0, CLIP_IMAGE_FRAME_KIND);
    view.setUint32(2, id >>> 0);
    view.setUint32(6, png.byteLength);
    view.setUint32(10, offset);
    out.set(data, CLIP_IMAGE_HEADER_BYTES);
    frames.push(out);
  }
  return frames;
}

/**
 * Whether a binary frame is a clipboard image chunk (by its kind byte alone).
 *
 * @example
 * ```ts
 * import { isImageChunk } from "./clipboard_image.ts";
 * isImageChunk(new Uint8Array([5])); // true
 * ```
 */
export function isImageChunk(bytes: Uint8Array): boolean {
  return bytes.byteLength > 0 && bytes[0] === CLIP_IMAGE_FRAME_KIND;
}

/** What {@linkcode ImageAssembler.push} made of a chunk. */
export type AssembleResult =
  /** More chunks to come. */
  | { state: "partial" }
  /** The image is whole: its bytes start with the PNG signature. */
  | { state: "done"; png: Uint8Array }
  /** The chunk (and the image it belongs to) was refused, and why. */
  | { state: "refused"; reason: string }
  /** A later chunk of an image already refused: dropped without another reason. */
  | { state: "skipped" };

/**
 * Puts one image back together from its chunks, one image at a time: a chunk of another image starts over,
 * a chunk out of order, of the wrong size, over the limit or of a non-PNG image is refused (never throws).
 *
 * @example
 * ```ts
 * import { encodeImageChunks, ImageAssembler } from "./clipboard_image.ts";
 * const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
 * const assembler = new ImageAssembler();
 * const [chunk] = encodeImageChunks(7, png);
 * assembler.push(chunk).state; // "done"
 * ```
 */
export class ImageAssembler {
  #id = -1;
  /** The image refused last: its later chunks are skipped quietly. */
  #refusedId = -1;
  #size = 0;
  #received = 0;
  #buffer: Uint8Array | undefined;

  /** Takes one chunk frame. */
  push(bytes: Uint8Array): AssembleResult {
    if (!isImageChunk(bytes) || bytes.byteLength <= CLIP_IMAGE_HEADER_BYTES) {
      return this.#refuse("not a clipboard image chunk");
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const id = view.getUint32(2), size = view.getUint32(6), offset = view.getUint32(10);
    const data = bytes.subarray(CLIP_IMAGE_HEADER_BYTES);
    if (data.byteLength > CLIP_IMAGE_CHUNK_BYTES) return this.#refuse("a chunk over 128 KiB");
    if (offset === 0) {
      this.#refusedId = -1;
      const problem = imageSizeProblem(size);
      if (problem) return this.#refuse(problem, id);
      this.#id = id, this.#size = size, this.#received = 0, this.#buffer = new Uint8Array(size);
    } else if (id !== this.#id || !this.#buffer) {
      if (id === this.#refusedId) return { state: "skipped" };
      return this.#refuse("a chunk of an image whose start was not received");
    }
    if (size !== this.#size || offset !== this.#received || offset + data.byteLength > size) {
      return this.#refuse("chunks out of order or of the wrong size", id);
    }
    this.#buffer!.set(data, offset);
    this.#received += data.byteLength;
    if (this.#received < size) return { state: "partial" };
    const png = this.#buffer!;
    this.#buffer = undefined, this.#id = -1;
    return isPng(png) ? { state: "done", png } : { state: "refused", reason: "the image is not a PNG" };
  }

  #refuse(reason: string, id = -1): AssembleResult {
    this.#buffer = undefined, this.#id = -1, this.#refusedId = id;
    return { state: "refused", reason };
  }
}
