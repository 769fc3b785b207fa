import assert from "node:assert/strict";
import {
  cloneFrame,
  copiesExact,
  fill,
  FULL,
  H,
  kinds,
  photo,
  screenEquals,
  solidFrame,
  start,
  textLine,
  W,
} from "./_testing.ts";
import type { Frame } from "./frame.ts";

Deno.test("a scrolled terminal is one copy plus the exposed strip, and the copy claims only matching rows", () => {
  const terminal = (first: number) => {
    const f = solidFrame(W, H, 0x000000);
    for (let line = 0; line < H / 16; line++) textLine(f, 0, line * 16, 80, first + line);
    return f;
  };
  const { planner, viewer } = start(terminal(0));
  const next = terminal(3); // scrolled by three lines (48 px): content moved up
  const plan = planner.plan(next, [FULL], 16);
  assert.deepEqual(kinds(plan.ops), ["copy", "tile:lossless"]);
  // Columns 1..638: the glyph cells leave the first and last column blank, and the copy is narrowed to the
  // columns that differ.
  assert.deepEqual(plan.ops[0], { op: "copy", sx: 1, sy: 48, w: W - 2, h: H - 48, dx: 1, dy: 0 });
  // The strip: the last three lines (y 432..480), less the blank rows and columns of their glyph cells.
  assert.deepEqual(plan.ops[1], { op: "tile", x: 1, y: 434, w: W - 2, h: 44, quality: "lossless" });
  copiesExact(viewer, plan.ops, next);
  viewer.apply(plan, next);
  assert.equal(viewer.mismatches(next), 0);
  assert.ok(screenEquals(planner, next));
});

Deno.test("a scroll of a region (vim: status line below) copies the region only", () => {
  const screen = (first: number, status: number) => {
    const f = solidFrame(W, H, 0x101010);
    for (let line = 0; line < 28; line++) textLine(f, 0, line * 16, 80, first + line);
    textLine(f, 0, 448, 80, status, 0x00ff00);
    return f;
  };
  const { planner, viewer } = start(screen(0, 1000));
  const next = screen(1, 1001); // the text scrolled up a line (16 px), the status line redrawn
  const plan = planner.plan(next, [FULL], 16);
  // 432 rows of text, and two blank rows of the new last line that match the old status line's top.
  assert.deepEqual(plan.ops[0], { op: "copy", sx: 1, sy: 16, w: W - 2, h: 434, dx: 1, dy: 0 });
  copiesExact(viewer, plan.ops, next);
  viewer.apply(plan, next);
  assert.equal(viewer.mismatches(next), 0);
  // Scrolling back down (content moves down) is found as well.
  const back = screen(0, 1002);
  const plan2 = planner.plan(back, [FULL], 32);
  assert.deepEqual(plan2.ops[0], { op: "copy", sx: 1, sy: 0, w: W - 2, h: 434, dx: 1, dy: 16 });
  copiesExact(viewer, plan2.ops, back);
  viewer.apply(plan2, back);
  assert.equal(viewer.mismatches(back), 0);
  assert.ok(screenEquals(planner, back));
});

Deno.test("lossy pixels moved by a scroll stay lossy where they land, and are refined there", () => {
  const doc = solidFrame(W, H + 64, 0x000000);
  for (let line = 0; line < (H + 64) / 16; line++) textLine(doc, 0, line * 16, 80, line);
  const window = (top: number): Frame => ({ ...doc, data: doc.data.subarray(top * doc.stride), height: H });
  const { planner, viewer } = start(cloneFrame(window(0)));
  const tile = { x: 0, y: 128, w: 64, h: 64 };
  for (let t = 1; t <= 3; t++) {
    photo(doc, tile, t);
    const plan = planner.plan(window(0), [tile], t * 16);
    viewer.apply(plan, window(0));
  }
  assert.equal(viewer.mismatches(window(0)), 64 * 64); // the third change went lossy
  const scrolled = window(32);
  const plan = planner.plan(scrolled, [FULL], 64);
  assert.deepEqual(plan.ops[0], { op: "copy", sx: 0, sy: 32, w: W - 1, h: H - 32, dx: 0, dy: 0 });
  assert.ok(screenEquals(planner, scrolled));
  viewer.apply(plan, scrolled);
  assert.equal(viewer.mismatches(scrolled), 64 * 64); // still the lossy pixels, now 32 rows higher
  const grid = planner.grid!;
  assert.deepEqual([grid.held[1 * grid.cols], grid.held[2 * grid.cols], grid.held[3 * grid.cols]], [1, 1, 0]);
  assert.equal(planner.wakeAt(), 64 + 250);
  const refine = planner.plan(scrolled, [], 320);
  assert.deepEqual(refine.ops, [{ op: "tile", x: 0, y: 64, w: 64, h: 128, quality: "lossless" }]);
  viewer.apply(refine, scrolled);
  assert.equal(viewer.mismatches(scrolled), 0);
});

Deno.test("a window scrolling on a busy desktop under full-screen damage is found (columns narrowed)", () => {
  const desktop = (first: number) => {
    const f = solidFrame(W, H, 0);
    for (let y = 0; y < H; y++) fill(f, { x: 0, y, w: W, h: 1 }, (y * 0x010203) & 0xffffff); // every row differs
    fill(f, { x: 100, y: 40, w: 320, h: 400 }, 0x000000);
    for (let line = 0; line < 25; line++) textLine(f, 100, 40 + line * 16, 40, first + line);
    return f;
  };
  const { planner, viewer } = start(desktop(0));
  const next = desktop(1);
  const plan = planner.plan(next, [FULL], 16);
  const copy = plan.ops[0];
  assert.equal(copy.op, "copy");
  if (copy.op !== "copy") return;
  assert.ok(copy.sx >= 100 && copy.sx + copy.w <= 420, `columns ${copy.sx}..${copy.sx + copy.w}`);
  assert.deepEqual([copy.sy, copy.dy, copy.h], [56, 40, 384]);
  copiesExact(viewer, plan.ops, next);
  viewer.apply(plan, next);
  assert.equal(viewer.mismatches(next), 0);
});

Deno.test("a scroll whose damage comes in many small rectangles (text redrawn in runs) is still found", () => {
  const terminal = (first: number) => {
    const f = solidFrame(W, H, 0x000000);
    for (let line = 0; line < H / 16; line++) textLine(f, 0, line * 16, 80, first + line);
    return f;
  };
  const { planner, viewer } = start(terminal(0));
  const next = terminal(2);
  // One rectangle per half line, as a terminal that redraws its text might report.
  const damage = Array.from(
    { length: H / 16 * 2 },
    (_, k) => ({ x: (k % 2) * 320, y: (k >> 1) * 16, w: 320, h: 16 }),
  );
  const plan = planner.plan(next, damage, 16);
  assert.deepEqual(kinds(plan.ops), ["copy", "tile:lossless"]);
  copiesExact(viewer, plan.ops, next);
  viewer.apply(plan, next);
  assert.equal(viewer.mismatches(next), 0);
});

Deno.test("scattered small changes under full-screen damage are not searched for a scroll", () => {
  const { planner, viewer, frame } = start();
  const next = cloneFrame(frame);
  textLine(next, 8, 8, 4, 1); // a clock, top left
  textLine(next, 560, 440, 4, 2); // a cursor line, bottom right
  const plan = planner.plan(next, [FULL, { x: 0, y: 0, w: 40, h: 24 }], 16);
  assert.deepEqual(kinds(plan.ops), ["tile:lossless", "tile:lossless"]);
  viewer.apply(plan, next);
  assert.equal(viewer.mismatches(next), 0);
});
