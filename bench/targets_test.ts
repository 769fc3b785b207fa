import assert from "node:assert/strict";
import { measured, report } from "./_fixture.ts";
import { checkTargets } from "./targets.ts";

Deno.test("targets are met when our motion is 60 fps, fast, cheap and 3x noVNC at less bandwidth", () => {
  const checks = checkTargets(report([
    ["selkies-websocket", "motion", measured(60, 30, 6, 80)],
    ["novnc", "motion", measured(15, 120, 20, 30)],
  ]));
  assert.deepEqual(checks.map((c) => c.met), [true, true, true]);
});

Deno.test("targets are missed with the numbers in the detail, and unmeasured ones say so", () => {
  const checks = checkTargets(report([
    ["selkies-webrtc", "motion", measured(30, 110, 25, 140)],
    ["novnc", "motion", measured(15, 120, 20, 30)],
    ["selkies-webrtc", "text", measured(50, 30, 6, 60)],
    ["novnc", "text", measured(40, 20, 0.1, 8)],
    ["novnc", "idle", measured(2, 20, 0.01, 1)],
  ]));
  const byTarget = Object.fromEntries(checks.map((c) => [c.target.split(":")[0], c]));
  assert.equal(byTarget["1080p60 at <= 100% of one core server-side"].met, false);
  assert.equal(byTarget[">= 3x noVNC's fps on full-screen motion at <= its bandwidth"].met, false);
  assert.match(byTarget["text"].detail, /6 vs 0.1 Mbit\/s/);
  assert.equal(byTarget["text"].met, false);
  assert.equal(byTarget["idle"].met, null);
  assert.equal(checks.every((c) => c.transport === "selkies-webrtc"), true);
});

Deno.test("no target is checked when our streamer was not run", () => {
  assert.deepEqual(checkTargets(report([["novnc", "motion", measured(15, 120, 20, 30)]])), []);
});
