import assert from "node:assert/strict";
import {
  BG,
  cloneFrame,
  FakeViewer,
  fill,
  FULL,
  H,
  kinds,
  photo,
  screenEquals,
  setPixel,
  solidFrame,
  start,
  textLine,
  W,
} from "./_testing.ts";
import { HybridPlanner } from "./planner.ts";

Deno.test("keyframe: size first, then the whole screen as fills and lossless tiles", () => {
  const frame = solidFrame(W, H, BG);
  textLine(frame, 8, 100, 40, 1);
  const plan = new HybridPlanner().keyframe(frame);
  assert.equal(plan.key, true);
  assert.equal(plan.video, false);
  assert.deepEqual(plan.ops[0], { op: "size", width: W, height: H });
  assert.ok(plan.ops.slice(1).every((o) => o.op === "fill" || (o.op === "tile" && o.quality === "lossless")));
  const covered = plan.ops.reduce((n, o) => n + (o.op === "fill" || o.op === "tile" ? o.w * o.h : 0), 0);
  assert.equal(covered, W * H); // no overlaps (merged rectangles), no gaps
  const viewer = new FakeViewer();
  viewer.apply(plan, frame);
  assert.equal(viewer.mismatches(frame), 0);
  // Rows of one-colour tiles merge into one fill per band; the text rows are lossless images.
  assert.ok(plan.ops.length < 20, `${plan.ops.length} ops`);
});

Deno.test("an unchanged frame plans nothing, even under full-screen damage", () => {
  const { planner, frame } = start();
  const again = cloneFrame(frame);
  setPixel(again, 5, 5, BG); // same colour, different X byte
  again.data[5 * again.stride + 5 * 4 + 3] ^= 0xff;
  assert.deepEqual(planner.plan(again, [FULL], 16), { ops: [], video: false, key: false });
  assert.deepEqual(planner.plan(again, [], 32).ops, []);
});

Deno.test("a small change sends only its tiles, merged along the row", () => {
  const { planner, viewer, frame } = start();
  const next = cloneFrame(frame);
  textLine(next, 70, 70, 30, 7); // x 70..310, y 70..86: tiles columns 1..4 of row 1
  const plan = planner.plan(next, [{ x: 0, y: 0, w: W, h: 200 }], 16);
  // Tiles 1..4 of tile row 1, merged, then cut to the pixels that differ (glyph rows 2..13 of each cell).
  assert.deepEqual(plan.ops, [{ op: "tile", x: 71, y: 72, w: 238, h: 12, quality: "lossless" }]);
  viewer.apply(plan, next);
  assert.equal(viewer.mismatches(next), 0);
  assert.ok(screenEquals(planner, next));
});

Deno.test("damage that misses the change sends nothing (the planner trusts X's damage)", () => {
  const { planner, frame } = start();
  const next = cloneFrame(frame);
  fill(next, { x: 300, y: 300, w: 10, h: 10 }, 0xffffff);
  assert.deepEqual(planner.plan(next, [{ x: 0, y: 0, w: 100, h: 100 }], 16).ops, []);
});

Deno.test("a tile of one colour is a fill, adjacent ones of the same colour one fill", () => {
  const { planner, viewer, frame } = start();
  const next = cloneFrame(frame);
  fill(next, { x: 128, y: 192, w: 128, h: 64 }, 0x3366cc);
  const plan = planner.plan(next, [{ x: 128, y: 192, w: 128, h: 64 }], 16);
  assert.deepEqual(plan.ops, [{ op: "fill", x: 128, y: 192, w: 128, h: 64, rgb: [0x33, 0x66, 0xcc] }]);
  viewer.apply(plan, next);
  assert.equal(viewer.mismatches(next), 0);
});

Deno.test("a photo-like tile changing often goes lossy, and lossless again 250 ms after it stops", () => {
  const { planner, viewer, frame } = start();
  const area = { x: 64, y: 64, w: 64, h: 64 };
  let f = frame;
  const qualities: string[] = [];
  for (let t = 1; t <= 5; t++) {
    f = cloneFrame(f);
    photo(f, area, t);
    const plan = planner.plan(f, [area], t * 16);
    qualities.push(...kinds(plan.ops));
    viewer.apply(plan, f);
  }
  assert.deepEqual(qualities, ["tile:lossless", "tile:lossless", "tile:lossy", "tile:lossy", "tile:lossy"]);
  assert.equal(viewer.mismatches(f), 64 * 64); // lossy pixels
  assert.equal(planner.wakeAt(), 80 + 250);
  assert.equal(planner.pending(200), false);
  assert.deepEqual(planner.plan(f, [], 200).ops, []); // too early
  assert.equal(planner.pending(330), true);
  const refine = planner.plan(f, [], 330);
  assert.deepEqual(refine.ops, [{ op: "tile", ...area, quality: "lossless" }]);
  viewer.apply(refine, f);
  assert.equal(viewer.mismatches(f), 0);
  assert.equal(planner.wakeAt(), null);
  assert.equal(planner.pending(10_000), false);
});

Deno.test("full-screen motion switches to video after a few updates and back after a calm second", () => {
  const { planner, viewer, frame } = start();
  let f = frame, t = 0;
  const modes: boolean[] = [];
  for (let n = 0; n < 8; n++) {
    f = cloneFrame(f);
    for (let y = 0; y < H; y += 16) textLine(f, 0, y, 80, n * 100 + y);
    const plan = planner.plan(f, [FULL], t += 16);
    modes.push(plan.video);
    viewer.apply(plan, f);
  }
  // Video after three updates that each changed nearly the whole screen (not waiting for tiles to count as
  // moving: a slow viewer's updates come too far apart for that).
  assert.deepEqual(modes, [false, false, true, true, true, true, true, true]);
  // Still: video holds for the moving window plus a second, then tiles; everything is refined in bounded steps.
  const still = cloneFrame(f);
  let left = -1;
  while (t < 5000) {
    const plan = planner.plan(still, [], t += 16);
    viewer.apply(plan, still);
    if (!plan.video && left < 0) left = t;
    assert.ok(plan.ops.reduce((n, o) => n + (o.op === "tile" ? o.w * o.h : 0), 0) <= 131072);
  }
  assert.ok(left > 128 + 1000 && left < 128 + 1600, `left video at ${left}`);
  assert.equal(viewer.mismatches(still), 0);
  assert.equal(planner.wakeAt(), null);
});

Deno.test("a frame of a new size is planned as a keyframe", () => {
  const { planner } = start();
  const bigger = solidFrame(800, 600, 0x445566);
  const plan = planner.plan(bigger, [], 16);
  assert.equal(plan.key, true);
  assert.deepEqual(plan.ops[0], { op: "size", width: 800, height: 600 });
  const viewer = new FakeViewer();
  viewer.apply(plan, bigger);
  assert.equal(viewer.mismatches(bigger), 0);
  assert.deepEqual(planner.plan(bigger, [{ x: 0, y: 0, w: 800, h: 600 }], 32).ops, []);
});

Deno.test("an unaligned frame with padded rows plans the same", () => {
  const padded = solidFrame(W, H, BG, 12);
  const buffer = new Uint8Array(padded.data.byteLength + 1);
  buffer.set(padded.data, 1);
  const frame = { ...padded, data: buffer.subarray(1) };
  const { planner, viewer } = start(frame);
  const next = { ...frame, data: frame.data.slice() }; // aligned copy, same padding
  fill(next, { x: 10, y: 10, w: 5, h: 5 }, 0xffffff);
  const plan = planner.plan(next, [{ x: 10, y: 10, w: 5, h: 5 }], 16);
  assert.deepEqual(plan.ops, [{ op: "fill", x: 10, y: 10, w: 5, h: 5, rgb: [255, 255, 255] }]);
  viewer.apply(plan, next);
  assert.equal(viewer.mismatches(next), 0);
});

Deno.test("moving text, UI and small changes stay lossless (JPEG would be larger and blurred)", () => {
  const { planner, viewer, frame } = start();
  let f = frame;
  const qualities: string[] = [];
  for (let t = 1; t <= 6; t++) {
    f = cloneFrame(f);
    fill(f, { x: 0, y: 0, w: 256, h: 64 }, BG);
    textLine(f, 0, 0, 32, t); // a line of text redrawn every update (few colours)
    photo(f, { x: 300, y: 300, w: 20, h: 20 }, t); // a small photo-like change (400 pixels)
    const plan = planner.plan(f, [{ x: 0, y: 0, w: 256, h: 64 }, { x: 300, y: 300, w: 20, h: 20 }], t * 16);
    qualities.push(...kinds(plan.ops));
    viewer.apply(plan, f);
  }
  assert.ok(qualities.every((q) => q === "tile:lossless"), qualities.join());
  assert.equal(viewer.mismatches(f), 0);
  assert.equal(planner.wakeAt(), null); // nothing to refine
});

Deno.test("a small change in a tile held lossy sends the whole tile, so all of it becomes exact", () => {
  const { planner, viewer, frame } = start();
  const area = { x: 64, y: 64, w: 64, h: 64 };
  let f = frame;
  for (let t = 1; t <= 3; t++) {
    f = cloneFrame(f);
    photo(f, area, t);
    viewer.apply(planner.plan(f, [area], t * 16), f);
  }
  assert.equal(viewer.mismatches(f), 64 * 64); // lossy
  f = cloneFrame(f);
  fill(f, { x: 70, y: 70, w: 4, h: 4 }, 0xffffff); // one small change, long after the motion
  const plan = planner.plan(f, [{ x: 70, y: 70, w: 4, h: 4 }], 1000);
  assert.deepEqual(plan.ops, [{ op: "tile", ...area, quality: "lossless" }]);
  viewer.apply(plan, f);
  assert.equal(viewer.mismatches(f), 0);
  assert.equal(planner.wakeAt(), null);
});

Deno.test("a changed area of one colour inside a busy tile is a fill of just that area", () => {
  const frame = solidFrame(W, H, BG);
  for (let y = 0; y < 128; y += 16) textLine(frame, 0, y, 40, y);
  const { planner, viewer } = start(frame);
  const next = cloneFrame(frame);
  fill(next, { x: 20, y: 30, w: 100, h: 12 }, 0x3366cc); // a selection over text, across two tiles
  const plan = planner.plan(next, [{ x: 20, y: 30, w: 100, h: 12 }], 16);
  // One fill per tile: parts of tiles are not merged (two parts' bounding box may hold other colours).
  assert.deepEqual(plan.ops, [
    { op: "fill", x: 20, y: 30, w: 44, h: 12, rgb: [0x33, 0x66, 0xcc] },
    { op: "fill", x: 64, y: 30, w: 56, h: 12, rgb: [0x33, 0x66, 0xcc] },
  ]);
  viewer.apply(plan, next);
  assert.equal(viewer.mismatches(next), 0);
  // Same colour at different heights in neighbouring tiles: still two fills, and nothing else painted.
  const apart = cloneFrame(next);
  fill(apart, { x: 140, y: 2, w: 20, h: 6 }, 0xff0000);
  fill(apart, { x: 200, y: 50, w: 20, h: 6 }, 0xff0000);
  const plan2 = planner.plan(apart, [{ x: 128, y: 0, w: 128, h: 64 }], 32);
  assert.equal(plan2.ops.length, 2);
  viewer.apply(plan2, apart);
  assert.equal(viewer.mismatches(apart), 0);
});
