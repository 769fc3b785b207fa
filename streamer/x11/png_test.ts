import assert from "node:assert/strict";
import { argbToRgba, crc32, encodePng } from "./png.ts";

Deno.test("crc32 matches the standard check value", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
});

Deno.test("encodePng writes a PNG that decodes back to the pixels", async () => {
  const rgba = new Uint8Array([
    255,
    0,
    0,
    255,
    0,
    255,
    0,
    128,
    0,
    0,
    255,
    0,
    1,
    2,
    3,
    4,
    9,
    9,
    9,
    9,
    7,
    7,
    7,
    7,
  ]);
  const png = await encodePng(rgba, 3, 2);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset);
  assert.equal(new TextDecoder().decode(png.subarray(12, 16)), "IHDR");
  assert.equal(view.getUint32(16), 3);
  assert.equal(view.getUint32(20), 2);
  assert.equal(view.getUint32(29), crc32(png.subarray(12, 29)), "IHDR CRC");
  // IDAT: inflate and compare rows (filter byte 0 + pixels).
  const idatLength = view.getUint32(33);
  assert.equal(new TextDecoder().decode(png.subarray(37, 41)), "IDAT");
  const zlib = png.subarray(41, 41 + idatLength);
  const raw = new Uint8Array(
    await new Response(new Blob([zlib.slice()]).stream().pipeThrough(new DecompressionStream("deflate")))
      .arrayBuffer(),
  );
  assert.deepEqual([...raw], [0, ...rgba.subarray(0, 12), 0, ...rgba.subarray(12)]);
  assert.equal(new TextDecoder().decode(png.subarray(png.length - 8, png.length - 4)), "IEND");
});

Deno.test("encodePng rejects sizes that do not match the pixels", async () => {
  await assert.rejects(() => encodePng(new Uint8Array(4), 2, 2), RangeError);
  await assert.rejects(() => encodePng(new Uint8Array(), 0, 0), RangeError);
});

Deno.test("argbToRgba un-premultiplies alpha", () => {
  assert.deepEqual([...argbToRgba([0xff102030, 0x80800000, 0x00000000])], [
    0x10,
    0x20,
    0x30,
    255,
    255,
    0,
    0,
    128,
    0,
    0,
    0,
    0,
  ]);
});
