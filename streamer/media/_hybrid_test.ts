import assert from "node:assert/strict";
import { decodeScreenUpdate } from "../../protocol/screen_update.ts";
import type { Frame, Plan, Planner, Rect } from "../hybrid/mod.ts";
import { HybridLoop } from "./_hybrid.ts";

const frame: Frame = { data: new Uint8Array(64 * 32 * 4), width: 64, height: 32, stride: 256 };

/** A planner that answers with what the test queues; `video` says which plans switch to video. */
function fakeParts(grab: () => Promise<Frame> = () => Promise.resolve(frame)) {
  const damage: Rect[][] = [];
  const plans: Plan[] = [];
  const sent: { key: boolean; ops: string[] }[] = [];
  const video: string[] = [];
  const planner: Planner = {
    plan: () => plans.shift() ?? { ops: [], video: false, key: false },
    keyframe: () => ({
      ops: [{ op: "size", width: 64, height: 32 }, {
        op: "tile",
        x: 0,
        y: 0,
        w: 64,
        h: 32,
        quality: "lossless",
      }],
      video: false,
      key: true,
    }),
    pending: () => false,
    wakeAt: () => null,
  };
  const loop = new HybridLoop({
    grabber: { grab, damage: () => damage.shift() ?? [] },
    planner,
    encoders: { lossless: () => Uint8Array.of(1), lossy: () => Uint8Array.of(2) },
    video: { set: (running) => video.push(running ? "on" : "off"), keyframe: () => video.push("key") },
    codec: "avc1.42e01f",
    fps: 100,
    send: (update) => {
      sent.push({ key: update.key, ops: decodeScreenUpdate(update.payload, frame).map((op) => op.op) });
      return Promise.resolve();
    },
  });
  return { loop, damage, plans, sent, video };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 40));

Deno.test("hybrid loop: a key update first, then only what changed, nothing while no viewer has room", async () => {
  const { loop, damage, plans, sent } = fakeParts();
  const running = loop.run();
  await tick();
  assert.deepEqual(sent, [{ key: true, ops: ["size", "image"] }]);
  await tick();
  assert.equal(sent.length, 1, "no damage, nothing pending: no update");
  loop.setPaced(false);
  damage.push([{ x: 0, y: 0, w: 8, h: 8 }]);
  plans.push({ ops: [{ op: "copy", sx: 0, sy: 8, w: 64, h: 24, dx: 0, dy: 0 }], video: false, key: false });
  await tick();
  assert.equal(sent.length, 1, "held while no viewer has room");
  loop.setPaced(true);
  await tick();
  assert.deepEqual(sent[1], { key: false, ops: ["copy"] });
  loop.stop();
  await running;
});

Deno.test("hybrid loop: video while the planner says so, with a keyframe first; late video frames are dropped", async () => {
  const { loop, damage, plans, sent, video } = fakeParts();
  const running = loop.run();
  await tick();
  damage.push([{ x: 0, y: 0, w: 64, h: 32 }]);
  plans.push({ ops: [], video: true, key: false });
  await tick();
  assert.deepEqual(video, ["on", "key"]);
  const key = decodeScreenUpdate(loop.wrapVideo(frame, true, Uint8Array.of(0, 0, 0, 1))!);
  assert.deepEqual(key.map((op) => op.op), ["size", "codec", "video"]);
  loop.requestKeyframe();
  assert.deepEqual(video, ["on", "key", "key"], "a keyframe asked for during video comes from the encoder");
  loop.setWatched(false);
  assert.equal(video.at(-1), "off", "nobody watches: video stops");
  loop.setWatched(true);
  damage.push([{ x: 0, y: 0, w: 1, h: 1 }]);
  plans.push({ ops: [{ op: "tile", x: 0, y: 0, w: 8, h: 8, quality: "lossy" }], video: false, key: false });
  await new Promise((resolve) => setTimeout(resolve, 150)); // rounds run every 100 ms during video
  assert.equal(video.at(-1), "off");
  assert.equal(
    loop.wrapVideo(frame, false, Uint8Array.of(1)),
    undefined,
    "a frame encoded before the switch",
  );
  assert.deepEqual(sent.at(-1), { key: false, ops: ["image"] });
  loop.stop();
  await running;
});

Deno.test("hybrid loop: a keyframe asked for while a round waits for its grab is made in the next round", async () => {
  let release = () => {};
  let grabs = 0;
  const { loop, damage, sent } = fakeParts(() => {
    // The second grab waits until released: the keyframe request comes in meanwhile.
    if (++grabs !== 2) return Promise.resolve(frame);
    return new Promise((resolve) => release = () => resolve(frame));
  });
  const running = loop.run();
  await tick();
  damage.push([{ x: 0, y: 0, w: 1, h: 1 }]);
  await tick();
  loop.requestKeyframe(); // a viewer joins during the grab
  release();
  await tick();
  assert.deepEqual(sent.map((u) => u.key), [true, true], "the joining viewer got its key update");
  loop.stop();
  await running;
});

Deno.test("hybrid loop: a still screen is not polled: the loop waits for X damage, then paints it at once", async () => {
  let polls = 0;
  let signal = () => {};
  const damage: Rect[][] = [];
  const sent: boolean[] = [];
  const loop = new HybridLoop({
    grabber: {
      grab: () => Promise.resolve(frame),
      damage: () => (polls++, damage.shift() ?? []),
      changes: () => new Promise((resolve) => signal = () => resolve(true)),
    },
    planner: {
      plan: () => ({
        ops: [{ op: "tile", x: 0, y: 0, w: 8, h: 8, quality: "lossless" }],
        video: false,
        key: false,
      }),
      keyframe: () => ({ ops: [{ op: "size", width: 64, height: 32 }], video: false, key: true }),
      pending: () => false,
      wakeAt: () => null,
    },
    encoders: { lossless: () => Uint8Array.of(1), lossy: () => Uint8Array.of(2) },
    video: { set() {}, keyframe() {} },
    codec: "avc1.42e01f",
    fps: 100,
    send: (update) => (sent.push(update.key), Promise.resolve()),
  });
  const running = loop.run();
  await tick();
  await tick();
  const idlePolls = polls;
  await tick();
  await tick();
  assert.equal(polls, idlePolls, "no polling while nothing changes");
  damage.push([{ x: 0, y: 0, w: 1, h: 1 }]);
  signal();
  await tick();
  assert.deepEqual(sent, [true, false], "the change was painted as soon as X reported it");
  loop.stop();
  await running;
});
