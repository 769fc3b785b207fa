import assert from "node:assert/strict";
import { DeltaMode, WheelAccumulator } from "./wheel.ts";

Deno.test("a 100-pixel notch is one step; negative scrolls up", () => {
  const wheel = new WheelAccumulator();
  assert.deepEqual(wheel.add(0, 100, DeltaMode.pixel), { dx: 0, dy: 1 });
  assert.deepEqual(wheel.add(0, -200, DeltaMode.pixel), { dx: 0, dy: -2 });
  assert.deepEqual(wheel.add(300, 0, DeltaMode.pixel), { dx: 3, dy: 0 });
});

Deno.test("small touchpad deltas accumulate into steps", () => {
  const wheel = new WheelAccumulator();
  const steps = [10, 25, 30, 40, 10].map((d) => wheel.add(0, d, DeltaMode.pixel).dy);
  assert.deepEqual(steps, [0, 0, 0, 1, 0]);
  wheel.reset();
  assert.deepEqual(wheel.add(0, 90, DeltaMode.pixel), { dx: 0, dy: 0 });
});

Deno.test("line and page modes normalise to steps", () => {
  const wheel = new WheelAccumulator();
  assert.deepEqual(wheel.add(0, 3, DeltaMode.line), { dx: 0, dy: 1 });
  assert.deepEqual(wheel.add(0, 1, DeltaMode.page), { dx: 0, dy: 10 });
});

Deno.test("huge or invalid deltas are clamped or ignored", () => {
  const wheel = new WheelAccumulator();
  assert.deepEqual(wheel.add(0, 1e6, DeltaMode.pixel), { dx: 0, dy: 100 });
  assert.deepEqual(wheel.add(Number.NaN, Number.POSITIVE_INFINITY, DeltaMode.pixel), { dx: 0, dy: 0 });
});
