import assert from "node:assert/strict";
import { type MediaFrame, PACING } from "../../protocol/protocol.ts";
import { FramePacer } from "./pacer.ts";

/** A pacer on a fake clock; `wall` is the epoch time at `t = 0`. */
function setup(fps = 30, encodedFps?: number) {
  const clock = { t: 0 };
  const wall = 1_700_000_000_000;
  const calls: string[] = [];
  const pacer = new FramePacer({
    fps: () => fps,
    encodedFps: encodedFps === undefined ? undefined : () => encodedFps,
    requestKeyframe: () => void calls.push("kf"),
    onRoomChange: () => void calls.push(`room ${pacer.ready}`),
    now: () => clock.t,
    wallNow: () => wall + clock.t,
  });
  let seq = 0;
  /** A frame captured `ageMs` before now. */
  const frame = (key: boolean, ageMs = 10): MediaFrame => ({
    kind: "video",
    key,
    seq: ++seq,
    timestampUs: (wall + clock.t - ageMs) * 1000,
    payload: new Uint8Array(1),
  });
  return { clock, calls, pacer, frame };
}

Deno.test("FramePacer: unpaced until the first ack, then at most a window of frames in flight", () => {
  const { clock, calls, pacer, frame } = setup();
  for (let i = 0; i < 5; i++) assert.equal(pacer.admit(frame(i === 0), false), true);
  assert.equal(pacer.ready, true, "a viewer that never acked is not paced");
  clock.t = 60;
  pacer.ack(3, 50, true); // frames 1-3 done; 50 ms each in the browser: slower than 30 fps
  assert.deepEqual(pacer.delivery().inFlight, 2);
  assert.equal(pacer.ready, false, "two frames in flight fill the smallest window");
  assert.deepEqual(calls, ["room false"]);
  clock.t = 110;
  pacer.ack(4, 50, true);
  assert.equal(pacer.ready, true);
  assert.deepEqual(calls, ["room false", "room true"]);
  pacer.close();
});

Deno.test("FramePacer: past window + slack a viewer skips to the next keyframe, asked for once it has room", () => {
  const { clock, calls, pacer, frame } = setup();
  pacer.admit(frame(true), false);
  clock.t = 50;
  pacer.ack(1, 50, true);
  const sent = [frame(false), frame(false), frame(false), frame(false)].map((f) => pacer.admit(f, false));
  assert.deepEqual(
    sent,
    [true, true, true, true],
    "the window (2) and the slack (2): frames already encoded",
  );
  assert.equal(pacer.admit(frame(false), false), false, "the fifth is skipped");
  assert.equal(pacer.admit(frame(true), false), false, "so is a keyframe while still full");
  assert.ok(!calls.includes("kf"), "no keyframe while the viewer has no room");
  clock.t = 140;
  pacer.ack(5, 50, true); // everything sent is done
  assert.equal(pacer.ready, true);
  assert.equal(calls.filter((c) => c === "kf").length, 1, "room again: a keyframe is asked for");
  assert.equal(pacer.admit(frame(false), false), false, "deltas still skipped");
  assert.equal(pacer.admit(frame(true), false), true, "the keyframe resumes");
  assert.equal(pacer.admit(frame(false), false), true);
  assert.equal(pacer.delivery().skipped, 3);
  pacer.close();
});

Deno.test("FramePacer: keyframe requests of a skipping viewer are rate-limited", () => {
  const { clock, calls, pacer, frame } = setup();
  pacer.admit(frame(true), false);
  pacer.admit(frame(false), true); // bytes congested: skip
  clock.t = 1;
  pacer.admit(frame(false), false);
  clock.t = 2;
  pacer.admit(frame(false), false);
  assert.equal(calls.filter((c) => c === "kf").length, 1);
  clock.t = 2 + PACING.keyframeMs;
  pacer.admit(frame(false), false);
  assert.equal(calls.filter((c) => c === "kf").length, 2);
  pacer.close();
});

Deno.test("FramePacer: the window grows with the round trip; latency is capture to drawn", () => {
  const { clock, pacer, frame } = setup(30);
  pacer.admit(frame(true, 20), false);
  clock.t = 150; // 150 ms to the ack, 30 of them in the browser: a 120 ms round trip
  pacer.ack(1, 30, true);
  const d = pacer.delivery();
  assert.equal(d.rttMs, 120);
  assert.equal(d.window, 4, "120 ms at 30 fps");
  // Captured 20 ms before it was sent, drawn 60 ms (half the round trip) before the ack came back.
  assert.equal(d.latencyMs, 20 + 150 - 60);
  assert.equal(d.fps, 1);
  assert.equal(d.paced, true);
  pacer.close();
});

Deno.test("FramePacer: a viewer that keeps up gets one more frame in flight, a slow one does not", () => {
  const { clock, pacer, frame } = setup(30);
  pacer.admit(frame(true), false);
  clock.t = 10;
  pacer.ack(1, 8, true); // 8 ms in the browser, a frame is 33 ms: nothing queues there
  assert.equal(pacer.window, 3);
  for (let i = 0; i < 20; i++) {
    pacer.admit(frame(false), false);
    clock.t += 60;
    pacer.ack(i + 2, 60, true); // now 60 ms per frame: the slowest stage
  }
  assert.equal(pacer.window, 2, "the slow viewer's queue stays short");
  pacer.close();
});

Deno.test("FramePacer: frames never acknowledged count as lost after lostMs and free their place", () => {
  const { clock, pacer, frame } = setup();
  pacer.admit(frame(true), false);
  clock.t = 50;
  pacer.ack(1, 50, true);
  pacer.admit(frame(false), false);
  pacer.admit(frame(false), false);
  assert.equal(pacer.ready, false);
  clock.t = 50 + PACING.lostMs + 1;
  assert.equal(pacer.admit(frame(false), false), true);
  assert.equal(pacer.delivery().inFlight, 1, "the two lost frames are forgotten");
  pacer.close();
});

Deno.test("FramePacer: a viewer that stops acknowledging gets room again by itself (a stuck tab)", async () => {
  let frees: () => void = () => {};
  const freed = new Promise<void>((resolve) => frees = resolve);
  const pacer: FramePacer = new FramePacer({
    fps: () => 30,
    requestKeyframe() {},
    onRoomChange: () => pacer.ready && frees(),
  });
  const frame = (seq: number): MediaFrame => ({
    kind: "video",
    key: seq === 1,
    seq,
    timestampUs: Date.now() * 1000,
    payload: new Uint8Array(1),
  });
  pacer.admit(frame(1), false);
  pacer.ack(1, 1, true); // a viewer that keeps up: a window of three
  for (const seq of [2, 3, 4]) pacer.admit(frame(seq), false);
  assert.equal(pacer.ready, false);
  const started = performance.now();
  await freed;
  assert.ok(performance.now() - started >= PACING.lostMs - 50);
  pacer.close();
});

/**
 * Drives a viewer for `seconds` at up to `fps`: each frame sent, acked `ackMs` later (or when `ackAt` says)
 * having spent `browserMs` in the browser.
 */
function drive(
  t: ReturnType<typeof setup>,
  fps: number,
  ackMs: number,
  browserMs: number,
  ackAt = (sentAt: number) => sentAt + ackMs,
  seconds = 2,
) {
  let nextSend = t.clock.t;
  const acks: { at: number; seq: number }[] = [];
  const end = t.clock.t + seconds * 1000;
  for (; t.clock.t < end; t.clock.t += 1) {
    while (acks.length && acks[0].at <= t.clock.t) t.pacer.ack(acks.shift()!.seq, browserMs, true);
    if (t.clock.t >= nextSend && t.pacer.ready) {
      const f = t.frame(true);
      if (t.pacer.admit(f, false)) acks.push({ at: ackAt(t.clock.t), seq: f.seq! });
      nextSend = t.clock.t + 1000 / fps;
    }
  }
}

Deno.test("FramePacer names the stage that limits the viewer (protocol/limit.ts)", async (t) => {
  await t.step("a viewer that keeps up: none", () => {
    const v = setup(30);
    drive(v, 30, 20, 8);
    assert.equal(v.pacer.delivery().limit, "none");
    v.pacer.close();
  });
  await t.step("window full, 150 ms in the browser per frame: decode", () => {
    const v = setup(30);
    drive(v, 30, 160, 150);
    assert.ok(v.pacer.delivery().fps < 27, `${v.pacer.delivery().fps} fps`);
    assert.equal(v.pacer.delivery().limit, "decode");
    v.pacer.close();
  });
  await t.step("window full, acks slow but 5 ms in the browser: network", () => {
    // A link that carries one frame per 100 ms: frames queue on it (a long round trip alone does not limit,
    // the window grows to cover it).
    const v = setup(30);
    let linkFree = 0;
    drive(v, 30, 0, 5, (sentAt) => linkFree = Math.max(sentAt, linkFree) + 100);
    assert.ok(v.pacer.delivery().fps <= 11, `${v.pacer.delivery().fps} fps`);
    assert.equal(v.pacer.delivery().limit, "network");
    v.pacer.close();
  });
  await t.step("room in the window, the encoder at 20 of 30 fps: encode", () => {
    const v = setup(30, 20);
    drive(v, 20, 20, 8);
    assert.equal(v.pacer.delivery().limit, "encode");
    v.pacer.close();
  });
});
