import assert from "node:assert/strict";
import type { Rect } from "../../protocol/screen_update.ts";
import {
  cloneFrame,
  FakeViewer,
  fill,
  photo,
  pixel,
  screenEquals,
  setPixel,
  solidFrame,
  textLine,
} from "./_testing.ts";
import type { Frame } from "./frame.ts";
import { HybridPlanner } from "./planner.ts";
import { Held } from "./tiles.ts";

const W = 320, H = 256;

/** A seeded generator (mulberry32), so a failure replays. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Scrolls the rows of `r` by `dy` (negative: up), painting the exposed rows with new text. */
function scroll(f: Frame, r: Rect, dy: number, seed: number): void {
  const old = cloneFrame(f);
  for (let y = r.y; y < r.y + r.h; y++) {
    const from = y - dy;
    for (let x = r.x; x < r.x + r.w; x++) {
      if (from >= r.y && from < r.y + r.h) setPixel(f, x, y, pixel(old, x, from));
      else setPixel(f, x, y, 0x000000);
    }
  }
  const strip = dy < 0 ? { y: r.y + r.h + dy, h: -dy } : { y: r.y, h: dy };
  for (let y = strip.y; y + 16 <= strip.y + strip.h; y += 16) {
    textLine(f, r.x, y, Math.floor(r.w / 8), seed + y);
  }
}

/** Every pixel the viewer has wrong lies in a tile the planner knows is held lossy. */
function onlyLossyWrong(planner: HybridPlanner, viewer: FakeViewer, f: Frame): void {
  const grid = planner.grid!;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (viewer.px[y * W + x] === pixel(f, x, y)) continue;
      const tile = Math.floor(y / grid.size) * grid.cols + Math.floor(x / grid.size);
      assert.equal(grid.held[tile], Held.lossy, `pixel ${x},${y} wrong in a tile held exact`);
    }
  }
}

/** Where the fuzz's "movie" plays, often enough to become region video. */
const WINDOW: Rect = { x: 40, y: 24, w: 200, h: 150 };

/** A region lies on whole tiles (64 px) inside the screen, even-sized. */
function regionWellFormed(r: Rect): boolean {
  return r.x % 64 === 0 && r.y % 64 === 0 && r.w > 0 && r.h > 0 && r.w % 2 === 0 && r.h % 2 === 0 &&
    r.x + r.w <= W && r.y + r.h <= H;
}

/** The paths the seeded runs took, together (a run that spends its time in video sends no copies). */
const seenBySeeds = new Set<string>();

for (const seed of [1, 2, 3, 4]) {
  Deno.test(`random updates (seed ${seed}): the plan is always complete, wrong pixels are known lossy`, () => {
    const rnd = random(seed);
    const int = (n: number) => Math.floor(rnd() * n);
    let f = solidFrame(W, H, 0x000000);
    for (let y = 0; y < H; y += 16) textLine(f, 0, y, 40, seed * 1000 + y);
    const planner = new HybridPlanner({ minSide: 96, minRows: 32, regionMinSide: 128 });
    const viewer = new FakeViewer();
    viewer.apply(planner.keyframe(f), f);
    let now = 0;
    const seen = new Set<string>();
    for (let step = 0; step < 150; step++) {
      f = cloneFrame(f);
      const r = { x: int(W - 16), y: int(H - 16), w: 0, h: 0 };
      r.w = 1 + int(W - r.x);
      r.h = 1 + int(H - r.y);
      const action = int(9);
      let changed: Rect = r;
      if (action === 0) {
        const chars = Math.max(1, Math.min(8, Math.floor(r.w / 8)));
        textLine(f, r.x, r.y, chars, step);
        changed = { x: r.x, y: r.y, w: chars * 8, h: 16 };
      } else if (action === 1) {
        changed = { ...r, w: Math.min(r.w, 96), h: Math.min(r.h, 96) };
        photo(f, changed, step);
      } else if (action === 2) fill(f, r, int(0xffffff));
      else if (action === 3) {
        changed = { x: 0, y: int(64), w: W, h: 128 + int(64) };
        scroll(f, changed, (int(2) ? 1 : -1) * (1 + int(40)), step * 7);
      } else if (action === 6) {
        // Small same-coloured marks here and there (parts of tiles that must not be merged into one fill).
        const colour = int(0xffffff);
        const marks = Array.from(
          { length: 4 },
          () => ({ x: int(W - 8), y: int(H - 8), w: 1 + int(8), h: 1 + int(8) }),
        );
        for (const m of marks) fill(f, m, colour);
        const x0 = Math.min(...marks.map((m) => m.x)), y0 = Math.min(...marks.map((m) => m.y));
        const x1 = Math.max(...marks.map((m) => m.x + m.w)), y1 = Math.max(...marks.map((m) => m.y + m.h));
        changed = { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
      } else if (action >= 7) {
        changed = WINDOW; // a movie playing in a window: region video
        photo(f, changed, step);
      } else if (action === 4) {
        changed = { x: 0, y: 0, w: W, h: H };
        photo(f, changed, step); // full-screen motion
      }
      // X's damage covers the change; sometimes it is the whole screen, sometimes there is more of it.
      const damage = action === 5
        ? []
        : int(4) === 0
        ? [{ x: 0, y: 0, w: W, h: H }]
        : [changed, { x: int(W), y: 0, w: 8, h: 8 }];
      now += int(5) === 0 ? 400 : 16;
      const plan = planner.plan(f, damage, now);
      viewer.apply(plan, f);
      if (plan.video) seen.add(plan.region ? "region" : "video");
      if (plan.region) {
        assert.ok(regionWellFormed(plan.region), `step ${step}: ${JSON.stringify(plan.region)}`);
      }
      for (const op of plan.ops) seen.add(op.op === "tile" ? op.quality : op.op);
      assert.ok(screenEquals(planner, f), `step ${step}: the planner's copy differs from the frame`);
      onlyLossyWrong(planner, viewer, f);
    }
    for (const path of seen) seenBySeeds.add(path);
    // Once the screen stays still, refinement and the end of video make everything exact.
    for (let k = 0; k < 100 && planner.wakeAt() !== null; k++) {
      now = Math.max(now + 16, planner.wakeAt()!);
      viewer.apply(planner.plan(f, [], now), f);
    }
    assert.equal(planner.wakeAt(), null);
    assert.equal(viewer.mismatches(f), 0);
  });
}

Deno.test("random updates: the seeded runs together took every path", () => {
  assert.deepEqual([...seenBySeeds].sort(), ["copy", "fill", "lossless", "lossy", "region", "video"]);
});
