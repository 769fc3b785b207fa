import assert from "node:assert/strict";
import { decodeScreenUpdate, type ScreenOp, ScreenUpdateError, ScreenUpdateWriter } from "./screen_update.ts";

Deno.test("screen update: every operation survives the round trip", () => {
  const ops: ScreenOp[] = [
    { op: "size", width: 1920, height: 1080 },
    { op: "codec", codec: "avc1.42e01f" },
    { op: "copy", sx: 0, sy: 16, w: 1920, h: 1064, dx: 0, dy: 0 },
    { op: "fill", x: 0, y: 1064, w: 1920, h: 16, rgb: [1, 2, 3] },
    { op: "image", format: "webp", lossless: true, x: 64, y: 64, w: 64, h: 64, data: Uint8Array.of(9, 8, 7) },
    { op: "image", format: "jpeg", lossless: false, x: 0, y: 0, w: 8, h: 8, data: new Uint8Array(0) },
    { op: "video", key: true, x: 0, y: 0, w: 1920, h: 1080, data: Uint8Array.of(0, 0, 0, 1) },
  ];
  const writer = new ScreenUpdateWriter();
  for (const op of ops) writer.add(op);
  const bytes = writer.finish();
  assert.equal(bytes.byteLength, writer.byteLength);
  assert.deepEqual(decodeScreenUpdate(bytes), ops);
});

Deno.test("screen update: hostile or broken updates are refused with the reason", () => {
  const update = (op: ScreenOp, screen = { width: 100, height: 100 }) => {
    const bytes = new ScreenUpdateWriter().add(op).finish();
    return () => decodeScreenUpdate(bytes, screen);
  };
  assert.throws(update({ op: "fill", x: 90, y: 0, w: 20, h: 1, rgb: [0, 0, 0] }), /outside 100x100/);
  assert.throws(update({ op: "copy", sx: 0, sy: 0, w: 10, h: 10, dx: 95, dy: 0 }), /outside/);
  assert.throws(update({ op: "fill", x: 0, y: 0, w: 0, h: 1, rgb: [0, 0, 0] }), ScreenUpdateError);
  assert.throws(
    () => decodeScreenUpdate(Uint8Array.of(3, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0)),
    /before the screen size/,
  );
  assert.throws(() => decodeScreenUpdate(Uint8Array.of(4, 2, 0), { width: 9, height: 9 }), /truncated/);
  assert.throws(() => decodeScreenUpdate(Uint8Array.of(9)), /unknown operation 9/);
  assert.throws(
    () => decodeScreenUpdate(Uint8Array.of(4, 7, 0, 0, 0, 0, 0, 0, 1, 0, 1)),
    /unknown image format/,
  );
  // An image whose length runs past the end.
  const image = new ScreenUpdateWriter()
    .add({ op: "image", format: "png", lossless: true, x: 0, y: 0, w: 1, h: 1, data: new Uint8Array(10) })
    .finish();
  assert.throws(() => decodeScreenUpdate(image.subarray(0, 20), { width: 1, height: 1 }), /truncated/);
  assert.throws(() => new ScreenUpdateWriter().add({ op: "size", width: 70_000, height: 1 }), RangeError);
});
