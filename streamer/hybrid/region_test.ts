import assert from "node:assert/strict";
import { findRegion } from "./region.ts";

const COLS = 30, ROWS = 17; // 1920x1080 in 64 px tiles

function mask(...boxes: [number, number, number, number, number?][]): Uint8Array {
  const m = new Uint8Array(COLS * ROWS);
  for (const [c0, r0, c1, r1, v = 2] of boxes) {
    for (let r = r0; r < r1; r++) m.fill(v, r * COLS + c0, r * COLS + c1);
  }
  return m;
}

const find = (m: Uint8Array) => findRegion(m, COLS, ROWS, 64, 1920, 1080);

Deno.test("findRegion: the largest group of moving photo-like tiles, gaps of a tile bridged", () => {
  assert.deepEqual(find(mask([4, 2, 14, 10])), { c0: 4, r0: 2, c1: 14, r1: 10 });
  // A GL scene: objects with still background between them (one tile apart) are one area.
  const scene = mask([4, 2, 7, 5], [8, 2, 11, 5], [4, 6, 7, 9], [8, 6, 11, 9]);
  assert.deepEqual(find(scene), { c0: 4, r0: 2, c1: 11, r1: 9 });
  // Two areas three tiles apart: the larger one.
  assert.deepEqual(find(mask([0, 0, 5, 5], [8, 0, 20, 8])), { c0: 8, r0: 0, c1: 20, r1: 8 });
  // Edge lines of moving tiles that are not photo-like (a few rows of the movie in each) are taken in.
  assert.deepEqual(find(mask([4, 2, 14, 10], [4, 10, 14, 11, 1], [3, 2, 4, 10, 1], [4, 0, 14, 1, 1])), {
    c0: 3,
    r0: 2,
    c1: 14,
    r1: 11,
  });
  // The last column and row of a 1080p screen are 56 px high tiles: the box is clipped, still even.
  assert.deepEqual(find(mask([20, 10, 30, 17])), { c0: 20, r0: 10, c1: 30, r1: 17 });
});

Deno.test("findRegion: none for narrow, sparse, text-like or no motion", () => {
  assert.equal(find(mask()), null);
  assert.equal(find(mask([0, 0, 30, 3])), null); // 1920x192: a panel, narrower than 256
  assert.equal(find(mask([4, 2, 14, 10, 1])), null); // moving but not photo-like (text, UI)
  // A diagonal line of tiles: one group (each within reach of the next) but its box is mostly still.
  const line = new Uint8Array(COLS * ROWS);
  for (let k = 0; k < 12; k++) line[k * COLS + k * 2] = 2;
  assert.equal(find(line), null);
  assert.deepEqual(findRegion(line, COLS, ROWS, 64, 1920, 1080, { regionDensity: 0.01 }), {
    c0: 0,
    r0: 0,
    c1: 23,
    r1: 12,
  });
});
