import assert from "node:assert/strict";
import { CHANGED, diffBox, diffTiles, PENDING, tightenColumns } from "./_diff.ts";
import { moreColoursThan } from "./_pixels.ts";
import { TileGrid } from "./tiles.ts";

const W = 200, H = 100;
const plane = () => ({ px: new Uint32Array(W * H).fill(0x11223344), stride: W });

Deno.test("diffTiles finds exactly the pending tiles that differ, ignoring the X byte", () => {
  const grid = new TileGrid(W, H);
  const a = plane(), b = plane();
  b.px[10 * W + 10] = 0xff223344; // X byte only
  b.px[70 * W + 150] = 0x11223345; // tile row 1, column 2
  b.px[99 * W + 199] = 0x00000000; // the last (edge) tile
  const state = new Uint8Array(grid.count).fill(PENDING);
  state[2] = 0; // not damaged: never looked at
  assert.equal(diffTiles(grid, a, b, state), 2);
  assert.deepEqual([...state], [0, 0, 0, 0, 0, 0, CHANGED, CHANGED]);
});

Deno.test("diffBox bounds the differing pixels; tightenColumns narrows an area to them", () => {
  const a = plane(), b = plane();
  b.px[20 * W + 30] = 0;
  b.px[25 * W + 40] = 0;
  const out = new Uint16Array(4);
  diffBox(a, b, { x: 0, y: 0, w: 64, h: 64 }, out, 0);
  assert.deepEqual([...out], [30, 20, 41, 26]);
  diffBox(a, b, { x: 64, y: 0, w: 64, h: 64 }, out, 0); // nothing differs there: the whole rectangle
  assert.deepEqual([...out], [64, 0, 128, 64]);
  const area = { x: 0, y: 0, w: W, h: H };
  tightenColumns(a, b, area);
  assert.deepEqual(area, { x: 30, y: 0, w: 11, h: H });
});

Deno.test("moreColoursThan stops at the first colour over the limit", () => {
  const p = plane();
  for (let i = 0; i < 20; i++) p.px[4 * i] = i; // on sampled pixels (every 4th of every other row)
  const table = new Int32Array(32);
  assert.equal(moreColoursThan(p, 0, 0, W, H, 32, table), false); // 21 colours
  assert.equal(moreColoursThan(p, 0, 0, W, H, 20, table), true);
  assert.equal(moreColoursThan(p, 50, 50, 60, 60, 1, table), false);
});

Deno.test("tightenColumns finds the same columns as a plain scan of every row, on random sparse changes", () => {
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  for (let round = 0; round < 200; round++) {
    const a = plane(), b = plane();
    for (let k = random(6); k > 0; k--) b.px[random(H) * W + random(W)] = random(2) ? 0 : 0xff223344;
    const area = { x: random(50), y: random(30), w: 100 + random(50), h: 20 + random(50) };
    let lo = Infinity, hi = -1;
    for (let y = area.y; y < area.y + area.h; y++) {
      for (let x = area.x; x < area.x + area.w; x++) {
        if (((a.px[y * W + x] ^ b.px[y * W + x]) & 0xffffff) !== 0) {
          [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
        }
      }
    }
    const expected = hi < 0 ? { ...area } : { ...area, x: lo, w: hi + 1 - lo };
    tightenColumns(a, b, area);
    assert.deepEqual(area, expected, `round ${round}`);
  }
});
