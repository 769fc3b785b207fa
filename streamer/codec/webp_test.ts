import assert from "node:assert/strict";
import { decodeWebp, encodeWebp } from "./webp.ts";
import type { Frame } from "./frame.ts";

/** A frame of few-colour "text" with X's padding byte set to garbage, rows padded beyond the width. */
function textFrame(width: number, height: number, padding = 64): Frame {
  const stride = width * 4 + padding;
  const data = new Uint8Array(stride * height);
  const colours = [[255, 255, 255], [0, 0, 0], [40, 90, 200], [200, 30, 30]];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const ink = (x % 8 < 6) && (y % 16 > 2 && y % 16 < 14) && random() < 0.4;
      const [r, g, b] = colours[ink ? 1 + (Math.floor(x / 48) % 3) : 0];
      data.set([b, g, r, Math.floor(random() * 256)], y * stride + x * 4);
    }
  }
  return { data, width, height, stride };
}

Deno.test("lossless WebP decodes to exactly the rectangle's pixels, opaque, read with the frame's stride", () => {
  const frame = textFrame(300, 200);
  for (
    const rect of [{ x: 0, y: 0, w: 300, h: 200 }, { x: 17, y: 33, w: 64, h: 64 }, {
      x: 299,
      y: 199,
      w: 1,
      h: 1,
    }]
  ) {
    for (const effort of [0, 4]) {
      const webp = encodeWebp(frame, rect, { lossless: true, effort });
      const image = decodeWebp(webp);
      assert.deepEqual([image.width, image.height], [rect.w, rect.h]);
      for (let y = 0; y < rect.h; y++) {
        for (let x = 0; x < rect.w; x++) {
          const src = (rect.y + y) * frame.stride + (rect.x + x) * 4;
          const out = (y * rect.w + x) * 4;
          const expected = [...frame.data.subarray(src, src + 3), 255];
          assert.deepEqual(
            [...image.data.subarray(out, out + 4)],
            expected,
            `pixel ${x},${y} of ${JSON.stringify(rect)}`,
          );
        }
      }
      // RIFF/WEBP with a VP8L chunk whose header says no alpha (bit 28 after the 0x2f signature).
      const text = new TextDecoder().decode(webp.subarray(0, 16));
      assert.equal(text, `RIFF${text.slice(4, 8)}WEBPVP8L`);
      assert.equal(webp[20], 0x2f);
      assert.equal((new DataView(webp.buffer).getUint32(21, true) >>> 28) & 1, 0, "alpha_is_used");
    }
  }
});

Deno.test("lossy WebP is a VP8 image close to the source", () => {
  const width = 128, height = 96;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x * 2, y * 2, (x + y) & 0xff, 0], (y * width + x) * 4);
  }
  const frame = { data, width, height, stride: width * 4 };
  const webp = encodeWebp(frame, { x: 0, y: 0, w: width, h: height }, { lossless: false, quality: 90 });
  assert.equal(new TextDecoder().decode(webp.subarray(12, 16)), "VP8 ");
  const image = decodeWebp(webp);
  let error = 0;
  for (let i = 0; i < data.length; i += 4) {
    for (let k = 0; k < 3; k++) error += Math.abs(image.data[i + k] - data[i + k]);
    assert.equal(image.data[i + 3], 255);
  }
  const mean = error / (width * height * 3);
  assert.ok(mean < 3, `mean error ${mean.toFixed(2)} per channel`);
});

Deno.test("encodeWebp refuses rectangles outside the frame and bad frames", () => {
  const frame = textFrame(64, 64, 0);
  assert.throws(() => encodeWebp(frame, { x: 1, y: 0, w: 64, h: 1 }, { lossless: true }), RangeError);
  assert.throws(() => encodeWebp(frame, { x: 0, y: 0, w: 0, h: 1 }, { lossless: true }), RangeError);
  assert.throws(
    () =>
      encodeWebp({ ...frame, data: frame.data.subarray(4) }, { x: 0, y: 0, w: 8, h: 8 }, { lossless: true }),
    RangeError,
  );
});
