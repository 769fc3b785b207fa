import assert from "node:assert/strict";
import { MovingWindow } from "./_moving_window.ts";

const heavy = (nowMs: number, fullVideo = false) => ({ changed: 40, screen: 100, fullVideo, nowMs });
const light = (nowMs: number) => ({ changed: 10, screen: 100, fullVideo: false, nowMs });

Deno.test("the moving window stretches over slow heavy updates, capped, and snaps back", () => {
  const w = new MovingWindow(3, 500);
  // Fast heavy updates: the span of the last 3 is under the window, which stays.
  assert.deepEqual([0, 16, 32].map((t) => w.next(heavy(t))), [500, 500, 500]);
  // Heavy updates 400 ms apart: the last 3 span 800 ms.
  const slow = new MovingWindow(3, 500);
  assert.deepEqual([0, 400, 800, 1200].map((t) => slow.next(heavy(t))), [500, 500, 800, 800]);
  // Slower still: capped at twice the window.
  const slower = new MovingWindow(3, 500);
  assert.deepEqual([0, 900, 1800].map((t) => slower.next(heavy(t))), [500, 500, 1000]);
  // A light update ends the stretch; it needs 3 heavy ones again.
  assert.deepEqual([slow.next(light(1300)), slow.next(heavy(1700)), slow.next(heavy(2100))], [500, 500, 500]);
  assert.equal(slow.next(heavy(2500)), 800);
});

Deno.test("the moving window does not stretch while full-screen video runs", () => {
  const w = new MovingWindow(3, 500);
  assert.deepEqual([0, 400, 800].map((t) => w.next(heavy(t, true))), [500, 500, 500]);
});
