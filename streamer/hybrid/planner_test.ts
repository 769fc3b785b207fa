import assert from "node:assert/strict";
import type { Rect } from "../../protocol/screen_update.ts";
import { cloneFrame, FakeViewer, fill, pixel, setPixel, solidFrame, textLine } from "./_testing.ts";
import type { Frame } from "./frame.ts";
import type { PlannedOp } from "./plan.ts";
import { HybridPlanner } from "./planner.ts";

const W = 640, H = 480;
const FULL: Rect = { x: 0, y: 0, w: W, h: H };
const BG = 0x202020;

/** A started planner, the viewer that got its keyframe, and the frame. */
function start(frame = solidFrame(W, H, BG)) {
  const planner = new HybridPlanner();
  const viewer = new FakeViewer();
  viewer.apply(planner.keyframe(frame), frame);
  return { planner, viewer, frame };
}

/** Whether the planner's own copy equals the frame (colour bits). */
function screenEquals(planner: HybridPlanner, f: Frame): boolean {
  const s = planner.screen!;
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      if ((s.px[y * s.stride + x] & 0xffffff) !== pixel(f, x, y)) return false;
    }
  }
  return true;
}

/** Applies only the copies of `ops` to a copy of the viewer's canvas: every pixel they write is the frame's. */
function copiesExact(viewer: FakeViewer, ops: PlannedOp[], next: Frame): void {
  const canvas = new FakeViewer();
  canvas.apply({
    ops: [{ op: "size", width: viewer.width, height: viewer.height }],
    video: false,
    key: false,
  }, next);
  canvas.px.set(viewer.px);
  const copies = ops.filter((o) => o.op === "copy");
  canvas.apply({ ops: copies, video: false, key: false }, next);
  for (const c of copies) {
    for (let y = c.dy; y < c.dy + c.h; y++) {
      for (let x = c.dx; x < c.dx + c.w; x++) {
        assert.equal(canvas.px[y * canvas.width + x], pixel(next, x, y));
      }
    }
  }
}

const kinds = (ops: PlannedOp[]) => ops.map((o) => o.op === "tile" ? `${o.op}:${o.quality}` : o.op);

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
  assert.deepEqual(plan.ops, [{ op: "tile", x: 64, y: 64, w: 256, h: 64, quality: "lossless" }]);
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
  // The strip: the tile rows that hold the last 48 rows (y 432..480 lies in tile row 6, from y 384).
  assert.deepEqual(plan.ops[1], { op: "tile", x: 0, y: 384, w: W, h: 96, quality: "lossless" });
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

Deno.test("a tile changing often goes lossy, and lossless again 250 ms after it stops", () => {
  const { planner, viewer, frame } = start();
  const area = { x: 64, y: 64, w: 64, h: 64 };
  let f = frame;
  const qualities: string[] = [];
  for (let t = 1; t <= 5; t++) {
    f = cloneFrame(f);
    textLine(f, 64, 64, 8, t * 13);
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
  // Moving from the third change on (lossy), video after three moving updates.
  assert.deepEqual(modes, [false, false, false, false, true, true, true, true]);
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
  assert.deepEqual(plan.ops, [{ op: "tile", x: 0, y: 0, w: 64, h: 64, quality: "lossless" }]);
  viewer.apply(plan, next);
  assert.equal(viewer.mismatches(next), 0);
});

Deno.test("lossy pixels moved by a scroll stay lossy where they land, and are refined there", () => {
  const doc = solidFrame(W, H + 64, 0x000000);
  for (let line = 0; line < (H + 64) / 16; line++) textLine(doc, 0, line * 16, 80, line);
  const window = (top: number): Frame => ({ ...doc, data: doc.data.subarray(top * doc.stride), height: H });
  const { planner, viewer } = start(cloneFrame(window(0)));
  const tile = { x: 0, y: 128, w: 64, h: 64 };
  for (let t = 1; t <= 3; t++) {
    fill(doc, tile, 0);
    for (let y = 128; y < 192; y += 16) textLine(doc, 0, y, 8, 100 * t + y);
    const plan = planner.plan(window(0), [tile], t * 16);
    viewer.apply(plan, window(0));
  }
  assert.equal(viewer.mismatches(window(0)), 64 * 64); // the third change went lossy
  const scrolled = window(32);
  const plan = planner.plan(scrolled, [FULL], 64);
  assert.deepEqual(plan.ops[0], { op: "copy", sx: 1, sy: 32, w: W - 2, h: H - 32, dx: 1, dy: 0 });
  assert.ok(screenEquals(planner, scrolled));
  viewer.apply(plan, scrolled);
  assert.equal(viewer.mismatches(scrolled), 64 * 64); // still the lossy pixels, now at rows 96..160
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
