import assert from "node:assert/strict";
import { decodeJpeg, encodeJpeg } from "./jpeg.ts";

/** A smooth colour gradient with garbage in X's padding byte and padded rows. */
function photo(width: number, height: number) {
  const stride = width * 4 + 32;
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([x & 0xff, y & 0xff, (x + y) >> 2 & 0xff, 0xaa], y * stride + x * 4);
    }
  }
  return { data, width, height, stride };
}

/** The sampling factors of the three components in the SOF0 marker. */
function sampling(jpeg: Uint8Array): number[] {
  for (let i = 2; i + 1 < jpeg.length;) {
    const marker = jpeg[i + 1];
    const length = (jpeg[i + 2] << 8) | jpeg[i + 3];
    if (marker === 0xc0) return [0, 1, 2].map((c) => jpeg[i + 11 + c * 3]);
    i += 2 + length;
  }
  throw new Error("no SOF0");
}

Deno.test("JPEG of a rectangle: SOI/EOI, its size, subsampling as asked, close to the source", () => {
  const frame = photo(400, 300);
  const rect = { x: 30, y: 20, w: 200, h: 120 };
  for (const subsampling of ["420", "444"] as const) {
    const jpeg = encodeJpeg(frame, rect, { quality: 90, subsampling });
    assert.deepEqual([jpeg[0], jpeg[1], jpeg.at(-2), jpeg.at(-1)], [0xff, 0xd8, 0xff, 0xd9]);
    assert.deepEqual(sampling(jpeg), subsampling === "420" ? [0x22, 0x11, 0x11] : [0x11, 0x11, 0x11]);
    const image = decodeJpeg(jpeg);
    assert.deepEqual([image.width, image.height], [rect.w, rect.h]);
    let error = 0;
    for (let y = 0; y < rect.h; y++) {
      for (let x = 0; x < rect.w; x++) {
        const src = (rect.y + y) * frame.stride + (rect.x + x) * 4;
        for (let k = 0; k < 3; k++) {
          error += Math.abs(image.data[(y * rect.w + x) * 4 + k] - frame.data[src + k]);
        }
      }
    }
    const mean = error / (rect.w * rect.h * 3);
    assert.ok(mean < 3, `${subsampling}: mean error ${mean.toFixed(2)} per channel`);
  }
});

Deno.test("encodeJpeg: lower quality is smaller; a rectangle outside the frame throws", () => {
  const frame = photo(256, 256);
  const rect = { x: 0, y: 0, w: 256, h: 256 };
  const small = encodeJpeg(frame, rect, { quality: 30, subsampling: "420" });
  const large = encodeJpeg(frame, rect, { quality: 95, subsampling: "444" });
  assert.ok(small.byteLength < large.byteLength, `${small.byteLength} >= ${large.byteLength}`);
  assert.throws(
    () => encodeJpeg(frame, { x: 200, y: 0, w: 57, h: 8 }, { quality: 80, subsampling: "420" }),
    RangeError,
  );
  assert.throws(() => decodeJpeg(new Uint8Array([1, 2, 3])), /libturbojpeg/);
});
