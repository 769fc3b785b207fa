import assert from "node:assert/strict";
import type { Plane } from "./frame.ts";
import { moveRows } from "./_pixels.ts";
import { ScrollDetector } from "./scroll.ts";

const W = 256, H = 320;

/** A plane whose rows 0.. are the given "lines" of a document (each row's pixels depend on its line). */
function page(rows: (number | null)[]): Plane {
  const px = new Uint32Array(W * rows.length);
  rows.forEach((line, y) => {
    for (let x = 0; x < W; x++) {
      px[y * W + x] = line === null ? 0x101010 : (Math.imul(line + 1, 2654435761) ^ x) >>> 8;
    }
  });
  return { px, stride: W };
}
const lines = (from: number, n: number) => Array.from({ length: n }, (_, k) => from + k);

/** Applies the moves to a copy of prev and checks every moved row equals cur's. */
function checkMoves(prev: Plane, cur: Plane, moves: { sy: number; dy: number; h: number }[]) {
  const canvas = { px: prev.px.slice(), stride: prev.stride };
  for (const m of moves) moveRows(canvas, 0, W, m.sy, m.dy, m.h);
  for (const m of moves) {
    for (let i = m.dy * W; i < (m.dy + m.h) * W; i++) assert.equal(canvas.px[i], cur.px[i]);
  }
}

Deno.test("ScrollDetector finds an upward and a downward scroll, rows verified", () => {
  const prev = page(lines(0, H));
  const up = page(lines(37, H)); // content moved up by 37 rows
  const found = new ScrollDetector().detect(prev, up, { x: 0, y: 0, w: W, h: H });
  assert.deepEqual(found, { shift: -37, moves: [{ sy: 37, dy: 0, h: H - 37 }] });
  checkMoves(prev, up, found!.moves);
  const down = page(lines(-20, H));
  const back = new ScrollDetector().detect(prev, down, { x: 0, y: 0, w: W, h: H });
  assert.deepEqual(back, { shift: 20, moves: [{ sy: 0, dy: 20, h: H - 20 }] });
  checkMoves(prev, down, back!.moves);
});

Deno.test("ScrollDetector works on a sub-area with absolute rows", () => {
  const prev = page([...Array(40).fill(null), ...lines(0, H - 40)]);
  const cur = page([...Array(40).fill(null), ...lines(10, H - 40)]);
  const found = new ScrollDetector().detect(prev, cur, { x: 0, y: 40, w: W, h: H - 40 });
  assert.deepEqual(found, { shift: -10, moves: [{ sy: 50, dy: 40, h: H - 50 }] });
  checkMoves(prev, cur, found!.moves);
});

Deno.test("ScrollDetector splits around rows that did not move, ordered so no copy reads overwritten rows", () => {
  const prev = page(lines(0, H));
  // Scrolled down 16 rows, with a 30-row band in the middle redrawn with something else.
  const rows: (number | null)[] = lines(-16, H);
  for (let y = 150; y < 180; y++) rows[y] = 5000 + y;
  const cur = page(rows);
  const found = new ScrollDetector().detect(prev, cur, { x: 0, y: 0, w: W, h: H });
  assert.equal(found?.shift, 16);
  // Content moving down: the lower run first.
  assert.deepEqual(found!.moves, [{ sy: 164, dy: 180, h: 140 }, { sy: 0, dy: 16, h: 134 }]);
  checkMoves(prev, cur, found!.moves);
});

Deno.test("ScrollDetector ignores unchanged, small, mostly changed and blank-heavy areas", () => {
  const prev = page(lines(0, H));
  const area = { x: 0, y: 0, w: W, h: H };
  assert.equal(new ScrollDetector().detect(prev, prev, area), null);
  assert.equal(new ScrollDetector().detect(prev, page(lines(1, H)), { x: 0, y: 0, w: 100, h: H }), null);
  assert.equal(new ScrollDetector().detect(prev, page(lines(1000, H)), area), null);
  // A blank screen with one new line: blank rows match at any shift, but nothing moved.
  const blank = page(Array(H).fill(null));
  const typed = page([...Array(100).fill(null), 7, 7, 7, ...Array(H - 103).fill(null)]);
  assert.equal(new ScrollDetector().detect(blank, typed, area), null);
});

Deno.test("ScrollDetector reuses the previous update's hashes only for the same area and the next epoch", () => {
  const detector = new ScrollDetector();
  const area = { x: 0, y: 0, w: W, h: H };
  const a = page(lines(0, H)), b = page(lines(5, H)), c = page(lines(9, H));
  assert.equal(detector.detect(a, b, area, 1)?.shift, -5);
  // `prev` is deliberately wrong here: the hashes of `b` from epoch 1 are used instead.
  assert.equal(detector.detect(a, c, area, 2)?.shift, -4);
  // Not the next epoch: prev is hashed again.
  assert.equal(detector.detect(a, c, area, 5)?.shift, -9);
  assert.equal(detector.detect(b, c, area, -1)?.shift, -4);
});
