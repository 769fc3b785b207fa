import assert from "node:assert/strict";
import { decodeScreenUpdate } from "../../protocol/screen_update.ts";
import type { Frame, Plan, Planner, Rect } from "../hybrid/mod.ts";
import { HybridLoop } from "./_hybrid.ts";

const frame: Frame = { data: new Uint8Array(64 * 32 * 4), width: 64, height: 32, stride: 256 };
const screen = { x: 0, y: 0, w: 64, h: 32 };

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
    video: {
      set: (running) => video.push(running ? "on" : "off"),
      keyframe: () => video.push("key"),
      area: (rect) => video.push(rect ? `area ${rect.x},${rect.y} ${rect.w}x${rect.h}` : "area all"),
    },
    codec: "avc1.42e01f",
    fps: 100,
    send: (update) => {
      sent.push({ key: update.key, ops: decodeScreenUpdate(update.payload, frame).map((op) => op.op) });
      return Promise.resolve();
    },
  });
  return { loop, damage, plans, sent, video };
}

/** A planner that plans one lossless tile per update (a key update: the size), with stub encoders and video. */
const oneTileParts = {
  planner: {
    plan: () => ({
      ops: [{ op: "tile", x: 0, y: 0, w: 8, h: 8, quality: "lossless" }] as Plan["ops"],
      video: false,
      key: false,
    }),
    keyframe: (): Plan => ({ ops: [{ op: "size", width: 64, height: 32 }], video: false, key: true }),
    pending: () => false,
    wakeAt: () => null,
  },
  encoders: { lossless: () => Uint8Array.of(1), lossy: () => Uint8Array.of(2) },
  video: { set() {}, keyframe() {}, area() {} },
  codec: "avc1.42e01f",
};

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
  assert.deepEqual(video, ["area all", "on", "key"]);
  const key = decodeScreenUpdate(loop.wrapVideo(screen, true, Uint8Array.of(0, 0, 0, 1))!.payload);
  assert.deepEqual(key.map((op) => op.op), ["size", "codec", "video"]);
  loop.requestKeyframe();
  assert.deepEqual(
    video,
    ["area all", "on", "key", "key"],
    "a keyframe asked for during video: the encoder's",
  );
  loop.setWatched(false);
  assert.equal(video.at(-1), "off", "nobody watches: video stops");
  loop.setWatched(true);
  damage.push([{ x: 0, y: 0, w: 1, h: 1 }]);
  plans.push({ ops: [{ op: "tile", x: 0, y: 0, w: 8, h: 8, quality: "lossy" }], video: false, key: false });
  await new Promise((resolve) => setTimeout(resolve, 150)); // rounds run every 100 ms during video
  assert.equal(video.at(-1), "off");
  assert.equal(
    loop.wrapVideo(screen, false, Uint8Array.of(1)),
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
    ...oneTileParts,
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

/** A loop whose planner turns every damage into one tile, with a grabber that reports damage on `signal()`. */
function damageDriven(fps: number, always = false) {
  let signal = () => {};
  let damaged = false;
  const rounds: number[] = [];
  const loop = new HybridLoop({
    grabber: {
      grab: () => Promise.resolve(frame),
      damage: () => {
        const rects = damaged || always ? [{ x: 0, y: 0, w: 1, h: 1 }] : [];
        damaged = false;
        return rects;
      },
      changes: () => new Promise((resolve) => signal = () => resolve(true)),
    },
    ...oneTileParts,
    fps,
    send: () => (rounds.push(performance.now()), Promise.resolve()),
  });
  const damage = () => (damaged = true, signal());
  return { loop, rounds, damage };
}

Deno.test("hybrid loop: a change after a still moment starts a round at once, not at the next 1/fps tick", async () => {
  // 5 fps: a fixed tick counted from the last (empty) look would hold the change for up to 200 ms.
  const { loop, rounds, damage } = damageDriven(5);
  const running = loop.run();
  await tick();
  assert.equal(rounds.length, 1, "the key update");
  await new Promise((resolve) => setTimeout(resolve, 300)); // still: the loop looked once and waits
  const changed = performance.now();
  damage();
  await tick();
  assert.equal(rounds.length, 2, "the change was painted within 40 ms, not at the next tick");
  assert.ok(rounds[1] - changed < 200);
  damage(); // right after a round: this one waits for the bucket (one round per 200 ms)
  await tick();
  assert.equal(rounds.length, 2, "a round 40 ms after the last one would exceed 5 fps");
  loop.stop();
  await running;
});

Deno.test("hybrid loop: under damage all the time, rounds average at most fps (plus the burst)", async () => {
  const { loop, rounds } = damageDriven(20, true);
  const running = loop.run();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  loop.stop();
  await running;
  // 1 s at 20 fps: 20 rounds and the burst's 1 at most (one more for timer slack); at least a few ran.
  assert.ok(rounds.length <= 22, `${rounds.length} rounds in 1 s at 20 fps`);
  assert.ok(rounds.length >= 5, `${rounds.length} rounds in 1 s at 20 fps`);
});

Deno.test("hybrid loop: region video alongside tile updates; a key update comes before the region's keyframe", async () => {
  const region = { x: 0, y: 0, w: 32, h: 32 };
  const tile = { op: "tile", x: 40, y: 0, w: 8, h: 8, quality: "lossless" } as const;
  const events: string[] = [];
  let damage: Rect[] = [];
  const loop = new HybridLoop({
    grabber: { grab: () => Promise.resolve(frame), damage: () => damage.splice(0) },
    planner: {
      plan: () => ({ ops: [tile], video: true, key: false, region }),
      keyframe: () => ({
        ops: [{ op: "size", width: 64, height: 32 }, tile],
        video: true,
        key: true,
        region,
      }),
      pending: () => false,
      wakeAt: () => null,
    },
    encoders: { lossless: () => Uint8Array.of(1), lossy: () => Uint8Array.of(2) },
    video: {
      set: (running) => events.push(running ? "on" : "off"),
      keyframe: () => events.push("encoder key"),
      area: (r) => events.push(`area ${JSON.stringify(r)}`),
    },
    codec: "avc1.42e01f",
    fps: 100,
    send: (update) => {
      events.push(
        `${update.key ? "key " : ""}update ${decodeScreenUpdate(update.payload, frame).map((o) => o.op)}`,
      );
      return Promise.resolve();
    },
  });
  const running = loop.run();
  await tick();
  // The first round is a key plan with a region: tiles (key), and the region's video after it.
  assert.deepEqual(events, [`area ${JSON.stringify(region)}`, "on", "encoder key", "key update size,image"]);
  damage = [{ x: 0, y: 0, w: 64, h: 32 }];
  await tick();
  assert.equal(events.at(-1), "update image", "the rest of the screen keeps going as tiles");
  assert.ok(loop.wrapVideo(region, true, Uint8Array.of(1)), "the region's frames are drawn");
  events.length = 0;
  loop.requestKeyframe(); // a viewer joins: a key update of tiles, then the region's next keyframe
  await tick();
  assert.deepEqual(events, ["key update size,image", "encoder key"]);
  assert.equal(loop.wrapVideo(region, false, Uint8Array.of(1)), undefined, "deltas wait for that keyframe");
  loop.stop();
  await running;
});
