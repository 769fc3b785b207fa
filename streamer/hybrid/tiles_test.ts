import assert from "node:assert/strict";
import { JOIN_SLACK, joinImages, Kind, mergeTiles } from "./_merge.ts";
import type { PlannedOp, TileQuality } from "./plan.ts";
import { Held, TileGrid } from "./tiles.ts";

Deno.test("TileGrid: edge tiles are smaller, damage marks every tile it touches", () => {
  const grid = new TileGrid(130, 70, 64);
  assert.equal(grid.cols, 3);
  assert.equal(grid.rows, 2);
  const r = { x: 0, y: 0, w: 0, h: 0 };
  assert.deepEqual(grid.rect(5, r), { x: 128, y: 64, w: 2, h: 6 });
  const marks = new Uint8Array(grid.count);
  grid.mark({ x: 63, y: 63, w: 2, h: 2 }, marks);
  assert.deepEqual([...marks], [1, 1, 0, 1, 1, 0]);
  marks.fill(0);
  grid.mark({ x: -50, y: 60, w: 1000, h: 1000 }, marks, 2); // clipped to the screen
  assert.deepEqual([...marks], [2, 2, 2, 2, 2, 2]);
  grid.mark({ x: 200, y: 0, w: 10, h: 10 }, marks, 0); // outside: nothing
  assert.deepEqual([...marks], [2, 2, 2, 2, 2, 2]);
});

Deno.test("TileGrid: a tile is moving after three changes within 500 ms", () => {
  const grid = new TileGrid(64, 64);
  assert.equal(grid.held[0], Held.exact);
  grid.changed(0, 0);
  grid.changed(0, 400);
  assert.equal(grid.isMoving(0, 400, 3, 500), false);
  grid.changed(0, 450);
  assert.equal(grid.isMoving(0, 450, 3, 500), true);
  assert.equal(grid.isMoving(0, 501, 3, 500), false); // the first change is now out of the window
  assert.equal(grid.lastChange[0], 450);
});

Deno.test("mergeTiles: equal runs along rows, equal spans down rows, fills by colour, bands capped", () => {
  const grid = new TileGrid(4 * 64, 4 * 64 - 10);
  const { none: _, fill: F, lossless: L, lossy: Y } = Kind;
  // deno-fmt-ignore
  const kind = Uint8Array.from([
    L, L, Y, F,
    L, L, Y, F,
    L, L, 0, F,
    L, 0, F, F,
  ]);
  const colour = new Uint32Array(16);
  colour[15] = 0x0000ff; // the last fill differs in colour from the others (black)
  const ops: PlannedOp[] = [];
  mergeTiles(grid, kind, colour, 128, ops);
  const byPos = (a: PlannedOp, b: PlannedOp) => ("y" in a && "y" in b ? a.y - b.y || a.x - b.x : 0);
  assert.deepEqual(ops.sort(byPos), [
    { op: "tile", x: 0, y: 0, w: 128, h: 128, quality: "lossless" },
    { op: "tile", x: 128, y: 0, w: 64, h: 128, quality: "lossy" },
    { op: "fill", x: 192, y: 0, w: 64, h: 128, rgb: [0, 0, 0] },
    // The band below (128x64) and the run under it (64x54) are one image: their box takes in 64x54 more.
    { op: "tile", x: 0, y: 128, w: 128, h: 118, quality: "lossless" },
    { op: "fill", x: 192, y: 128, w: 64, h: 64, rgb: [0, 0, 0] },
    { op: "fill", x: 128, y: 192, w: 64, h: 54, rgb: [0, 0, 0] },
    { op: "fill", x: 192, y: 192, w: 64, h: 54, rgb: [0, 0, 255] },
  ]);
});

Deno.test("joinImages: close lossless images become their box; far, tall or lossy ones stay apart", () => {
  const tile = (
    x: number,
    y: number,
    w: number,
    h: number,
    quality: TileQuality = "lossless",
  ): PlannedOp => ({
    op: "tile",
    x,
    y,
    w,
    h,
    quality,
  });
  const copy: PlannedOp = { op: "copy", sx: 0, sy: 0, w: 8, h: 8, dx: 0, dy: 8 };
  const fill: PlannedOp = { op: "fill", x: 40, y: 0, w: 8, h: 8, rgb: [1, 2, 3] };
  // A panel's parts (what the region content's rounds were: 5 images 24-160 px wide, gaps of 10-100 px).
  const ops: PlannedOp[] = [copy, tile(0, 0, 40, 20), fill, tile(60, 0, 40, 30), tile(50, 40, 50, 20)];
  joinImages(ops, 1, 128);
  assert.deepEqual(ops, [copy, tile(0, 0, 100, 60), fill], "one image; the copy before `first` untouched");
  // Far apart (the box would take in more than JOIN_SLACK), or lossy: unchanged.
  const far: PlannedOp[] = [tile(0, 0, 64, 64), tile(64 + JOIN_SLACK / 64 + 64, 0, 64, 64)];
  const lossy: PlannedOp[] = [tile(0, 0, 64, 64), tile(64, 0, 64, 64, "lossy")];
  for (const list of [far, lossy]) {
    const before = structuredClone(list);
    joinImages(list, 0, 128);
    assert.deepEqual(list, before);
  }
  // Taller than the band limit (and than either part): unchanged.
  const tall: PlannedOp[] = [tile(0, 0, 64, 100), tile(0, 100, 64, 100)];
  joinImages(tall, 0, 128);
  assert.equal(tall.length, 2);
});

Deno.test("TileGrid.moveHeld: lossy tiles travel with a copy; half-covered tiles keep their own state", () => {
  const grid = new TileGrid(128, 256);
  grid.held[0] = Held.lossy; // tile row 0, column 0
  grid.held[7] = Held.lossy; // tile row 3, column 1
  // Rows 0..96 of columns 0..128 move down to 96..192 (32 px into tile row 1 .. all of tile row 2).
  grid.moveHeld(0, 128, { sy: 0, dy: 96, h: 96 }, 500);
  assert.deepEqual([...grid.held], [1, 0, 1, 0, 1, 0, 0, 1]);
  assert.equal(grid.lastChange[2], 500);
  // A full cover replaces the state: lossy tile row 3 column 1 gets row 2's exact content.
  grid.moveHeld(64, 64, { sy: 128, dy: 192, h: 64 }, 600);
  assert.equal(grid.held[7], Held.exact);
});
