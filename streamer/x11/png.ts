/**
 * A minimal PNG encoder for cursor images: 8-bit RGBA, no filtering, zlib through CompressionStream.
 *
 * @module
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 (ISO 3309, as used by PNG and gzip) of `bytes`.
 *
 * @example
 * ```ts
 * import { crc32 } from "./png.ts";
 * crc32(new TextEncoder().encode("123456789")); // 0xcbf43926
 * ```
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * Encodes straight (not premultiplied) RGBA pixels, row by row, as a PNG file.
 *
 * @example
 * ```ts
 * import { encodePng } from "./png.ts";
 * const png = await encodePng(new Uint8Array([255, 0, 0, 255]), 1, 1);
 * png.subarray(1, 4); // "PNG"
 * ```
 */
export async function encodePng(rgba: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`PNG size ${width}x${height} is not positive`);
  }
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`PNG pixels: ${rgba.length} bytes for ${width}x${height} RGBA`);
  }
  const raw = new Uint8Array((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    // Filter byte 0 (None) starts each row.
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  }
  const zlib = new Uint8Array(
    await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream("deflate"))).arrayBuffer(),
  );
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method, no interlace
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib),
    chunk("IEND", new Uint8Array()),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Converts XFixes cursor pixels (premultiplied ARGB, one per `unsigned long`) to straight RGBA.
 *
 * @example
 * ```ts
 * import { argbToRgba } from "./png.ts";
 * argbToRgba([0x80800000]); // Uint8Array [255, 0, 0, 128]
 * ```
 */
export function argbToRgba(pixels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(pixels.length * 4);
  for (let i = 0; i < pixels.length; i++) {
    const p = pixels[i] >>> 0;
    const a = p >>> 24;
    const unpremultiply = (c: number) => a === 0 ? 0 : Math.min(255, Math.round((c * 255) / a));
    out[i * 4] = unpremultiply((p >>> 16) & 0xff);
    out[i * 4 + 1] = unpremultiply((p >>> 8) & 0xff);
    out[i * 4 + 2] = unpremultiply(p & 0xff);
    out[i * 4 + 3] = a;
  }
  return out;
}
