import assert from "node:assert/strict";
import type { Rect } from "../../protocol/screen_update.ts";
import { cloneFrame, FULL, H, photo, screenEquals, start, textLine, W } from "./_testing.ts";
import type { Frame } from "./frame.ts";
import type { Plan } from "./plan.ts";

/** A 320x256 "movie" in the 640x480 test screen: 27 % of it, under the full-screen threshold (40 %). */
const MOVIE: Rect = { x: 64, y: 64, w: 320, h: 256 };

/** Plays `area` (photo-like, a new picture each update) for `updates` updates from `t`; returns the plans. */
function play(
  s: ReturnType<typeof start>,
  area: (n: number) => Rect,
  updates: number,
  t: { now: number; frame: Frame },
  extra?: (f: Frame, n: number) => Rect | undefined,
): Plan[] {
  const plans: Plan[] = [];
  for (let n = 0; n < updates; n++) {
    const f = t.frame = cloneFrame(t.frame);
    const a = area(n);
    photo(f, a, t.now);
    const more = extra?.(f, n);
    const plan = s.planner.plan(f, more ? [a, more] : [a], t.now += 16);
    s.viewer.apply(plan, f);
    plans.push(plan);
  }
  return plans;
}

/** Plans a still screen until nothing is pending; returns the plans. */
function settle(s: ReturnType<typeof start>, t: { now: number; frame: Frame }): Plan[] {
  const plans: Plan[] = [];
  for (let k = 0; k < 200 && s.planner.wakeAt() !== null; k++) {
    t.now = Math.max(t.now + 16, s.planner.wakeAt()!);
    const plan = s.planner.plan(t.frame, [], t.now);
    s.viewer.apply(plan, t.frame);
    plans.push(plan);
  }
  return plans;
}

const regions = (plans: Plan[]) =>
  plans.map((p) => p.region ? JSON.stringify(p.region) : p.video ? "full" : "-");

function tileOpsMeet(plan: Plan, r: Rect): boolean {
  return plan.ops.some((o) =>
    o.op !== "size" && o.op !== "copy" && o.x < r.x + r.w && o.x + o.w > r.x && o.y < r.y + r.h &&
    o.y + o.h > r.y
  );
}

Deno.test("a moving area under the full-screen threshold goes to region video, the rest stays tiles", () => {
  const s = start();
  const t = { now: 0, frame: s.frame };
  // Typing elsewhere on the screen at the same time.
  const typing = (f: Frame, n: number) => {
    textLine(f, 8 * n, 400, 1, n);
    return { x: 8 * n, y: 400, w: 8, h: 16 };
  };
  const plans = play(s, () => MOVIE, 12, t, typing);
  const first = plans.findIndex((p) => p.video);
  assert.ok(first >= 3 && first <= 6, `region from update ${first}`); // moving, photo-like, then 3 stable
  for (const plan of plans.slice(first)) {
    assert.deepEqual(plan.region, MOVIE);
    assert.ok(!tileOpsMeet(plan, MOVIE), "no tile where the video draws");
    assert.ok(
      plan.ops.some((o) => o.op === "tile" && o.y >= 400 && o.quality === "lossless"),
      "typing: tiles",
    );
  }
  assert.ok(screenEquals(s.planner, t.frame));
  // A viewer joining now gets the tiles outside the region and the region as video.
  const key = s.planner.keyframe(t.frame, t.now);
  assert.equal(key.key, true);
  assert.deepEqual(key.region, MOVIE);
  assert.ok(!tileOpsMeet(key, MOVIE));
  const covered = key.ops.reduce((n, o) => n + (o.op === "fill" || o.op === "tile" ? o.w * o.h : 0), 0);
  assert.equal(covered, W * H - MOVIE.w * MOVIE.h);
});

Deno.test("region video holds still under jitter, grows at once, shrinks after a calm while", () => {
  const s = start();
  const t = { now: 0, frame: s.frame };
  // Each update moves a different part of the movie (a scene with still patches): the region stays put.
  let seed = 7;
  const jitter = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const dx = 64 * (seed % 2), dy = 64 * ((seed >> 3) % 2);
    return { x: MOVIE.x + dx, y: MOVIE.y + dy, w: MOVIE.w - 64, h: MOVIE.h - 64 };
  };
  play(s, () => MOVIE, 6, t);
  const held = play(s, jitter, 60, t);
  assert.deepEqual(new Set(regions(held)), new Set([JSON.stringify(MOVIE)]));
  // The motion reaches two tiles further right: the region takes them in within an update or two.
  const wider = { ...MOVIE, w: MOVIE.w + 128 };
  const grown = play(s, () => wider, 6, t);
  assert.deepEqual(grown.at(-1)!.region, wider);
  assert.ok(regions(grown).filter((r) => r !== JSON.stringify(wider)).length <= 3, regions(grown).join());
  // The motion shrinks back to the movie: the region follows only after the shrink delay (2 s, and up to
  // twice that: the tiles it left count as moving for half a second more), once.
  const shrunk = regions(play(s, () => MOVIE, 300, t));
  assert.equal(shrunk[0], JSON.stringify(wider));
  assert.equal(shrunk.at(-1), JSON.stringify(MOVIE));
  assert.equal(new Set(shrunk).size, 2, "one size change");
  assert.ok(shrunk.indexOf(JSON.stringify(MOVIE)) * 16 >= 2000, "not before a calm while");
});

Deno.test("when the motion stops the region ends and every tile it covered is refined exact", () => {
  const s = start();
  const t = { now: 0, frame: s.frame };
  const plans = play(s, () => MOVIE, 20, t);
  assert.ok(plans.at(-1)!.region);
  assert.ok(s.viewer.mismatches(t.frame) >= MOVIE.w * MOVIE.h - 64 * 64); // video pixels
  const after = settle(s, t);
  const end = after.findIndex((p) => !p.video);
  assert.ok(end >= 0);
  assert.ok(after[end].ops.every((o) => o.op === "tile" && o.quality === "lossless"));
  assert.equal(s.viewer.mismatches(t.frame), 0);
  assert.equal(s.planner.wakeAt(), null);
});

Deno.test("motion over most of the screen is full-screen video, not a region", () => {
  const s = start();
  const t = { now: 0, frame: s.frame };
  const plans = play(s, () => FULL, 8, t);
  assert.ok(plans.slice(3).every((p) => p.video && !p.region), regions(plans).join());
  // A window over 64 % of the screen is a region (the desktop around it stays sharp): after a second of
  // full-screen video (60 % of the screen changing in each update starts that before a region can form),
  // handed over without tiles between; over 80 %, the whole screen is video.
  const big = { x: 64, y: 64, w: 512, h: 384 };
  const s1 = start();
  const bigPlans = regions(play(s1, () => big, 120, { now: 0, frame: s1.frame }));
  assert.equal(bigPlans.at(-1), JSON.stringify(big));
  const handover = bigPlans.indexOf(JSON.stringify(big));
  assert.equal(bigPlans[handover - 1], "full", bigPlans.join());
  assert.ok(bigPlans.slice(handover).every((r) => r === JSON.stringify(big)));
  const s3 = start();
  const huge = { x: 0, y: 0, w: 640, h: 448 };
  assert.equal(regions(play(s3, () => huge, 10, { now: 0, frame: s3.frame })).at(-1), "full");
  // From region video to full screen when the motion spreads.
  const s2 = start();
  const t2 = { now: 0, frame: s2.frame };
  assert.ok(play(s2, () => MOVIE, 10, t2).at(-1)!.region);
  const spread = play(s2, () => FULL, 6, t2);
  assert.equal(regions(spread).at(-1), "full");
});

Deno.test("moving text, a narrow panel or a small animation is not region video", async (t) => {
  const cases: [string, (f: Frame, n: number) => Rect][] = [
    ["text redrawn in place over 320x256", (f, n) => {
      for (let y = MOVIE.y; y < MOVIE.y + MOVIE.h; y += 16) textLine(f, MOVIE.x, y, 40, n * 1000 + y);
      return MOVIE;
    }],
    ["a 640x128 photo-like panel", (f, n) => {
      const r = { x: 0, y: 320, w: 640, h: 128 };
      photo(f, r, n);
      return r;
    }],
    ["a 192x192 animation", (f, n) => {
      const r = { x: 0, y: 0, w: 192, h: 192 };
      photo(f, r, n);
      return r;
    }],
  ];
  for (const [name, draw] of cases) {
    const s = start();
    let f = s.frame, now = 0;
    const plans: Plan[] = [];
    for (let n = 0; n < 30; n++) {
      f = cloneFrame(f);
      plans.push(s.planner.plan(f, [draw(f, n)], now += 16));
    }
    await t.step(name, () => assert.ok(plans.every((p) => !p.video), regions(plans).join()));
  }
});

Deno.test("a loop slowed by its own updates still finds the moving area (glxspheres -fs at 4K), a small slow change stays tiles", () => {
  // Updates 300 ms apart: what a 4K screen of lossless tiles costs the loop. Half the screen, full height
  // (glxspheres64 -fs at 3840x2160 is a 2176x2160 area), new pixels in every update.
  const GL: Rect = { x: 128, y: 0, w: 320, h: 480 };
  const slow = (area: Rect) => {
    const s = start(), t = { now: 0, frame: s.frame };
    const plans: Plan[] = [];
    for (let n = 0; n < 12; n++) {
      const f = t.frame = cloneFrame(t.frame);
      photo(f, area, n + 1);
      const plan = s.planner.plan(f, [FULL], t.now += 300);
      s.viewer.apply(plan, f);
      plans.push(plan);
    }
    assert.ok(screenEquals(s.planner, t.frame) || plans.at(-1)!.video);
    return plans;
  };
  const gl = slow(GL);
  const first = gl.findIndex((p) => p.region);
  // Before: no tile changed 3 times in 500 ms, so every update was the whole area as lossless tiles.
  assert.ok(first >= 3 && first <= 8, `region from update ${first}: ${regions(gl)}`);
  assert.deepEqual(gl.at(-1)!.region, GL);
  // A photo changing every 300 ms on 16 % of the screen is not heavy: lossless tiles, no video.
  const small = slow({ x: 64, y: 64, w: 256, h: 192 });
  assert.ok(small.every((p) => !p.video), regions(small).join(" "));
  assert.ok(small.every((p) => p.ops.every((o) => o.op !== "tile" || o.quality === "lossless")));
});
