import assert from "node:assert/strict";
import { VideoSwitch } from "./video.ts";

Deno.test("VideoSwitch enters after three consecutive updates of large motion only", () => {
  const video = new VideoSwitch();
  assert.equal(video.update(0.5, 0), false);
  assert.equal(video.update(0.5, 16), false);
  assert.equal(video.update(0.1, 33), false); // a break starts the count again
  assert.equal(video.update(0.5, 50), false);
  assert.equal(video.update(0.5, 66), false);
  assert.equal(video.leaveAt, null);
  assert.equal(video.update(0.4, 83), true);
});

Deno.test("VideoSwitch leaves after a second below 15 %, motion in between restarts the second", () => {
  const video = new VideoSwitch();
  for (let t = 0; t < 50; t += 16) video.update(1, t);
  assert.equal(video.on, true);
  assert.equal(video.update(0.2, 100), true); // between the thresholds: stays
  assert.equal(video.leaveAt, null);
  assert.equal(video.update(0.1, 200), true);
  assert.equal(video.leaveAt, 1200);
  assert.equal(video.update(0.3, 700), true); // moved again
  assert.equal(video.update(0, 800), true);
  assert.equal(video.update(0, 1700), true);
  assert.equal(video.update(0, 1800), false);
  assert.equal(video.leaveAt, null);
  video.update(1, 1816);
  assert.equal(video.on, false); // entering needs three updates again
});

Deno.test("VideoSwitch.reset returns to tiles", () => {
  const video = new VideoSwitch({ enterUpdates: 1 });
  assert.equal(video.update(1, 0), true);
  video.reset();
  assert.equal(video.on, false);
});
