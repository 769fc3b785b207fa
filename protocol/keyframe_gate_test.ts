import assert from "node:assert/strict";
import { encodeMediaFrame } from "./framing.ts";
import { KeyframeGate } from "./keyframe_gate.ts";
import { KeyframeGate as FromTunnel } from "./tunnel.ts";

const video = (key: boolean) =>
  encodeMediaFrame({ kind: "video", key, timestampUs: 0, payload: new Uint8Array([1, 2, 3]) });
const audio = encodeMediaFrame({ kind: "audio", key: true, timestampUs: 0, payload: new Uint8Array(4) });

Deno.test("KeyframeGate passes everything while the path is clear", () => {
  const gate = new KeyframeGate();
  for (const frame of [video(true), video(false), audio, "text"]) {
    assert.deepEqual(gate.admit(frame, false), { send: true, requestKeyframe: false });
  }
  assert.equal(gate.dropped, 0);
  assert.equal(gate.dropping, false);
});

Deno.test("KeyframeGate drops video up to the next keyframe once congested, asking for one once", () => {
  const gate = new KeyframeGate();
  assert.deepEqual(gate.admit(video(false), true), { send: false, requestKeyframe: true });
  assert.equal(gate.dropping, true);
  // Still congested: keep dropping, even keyframes, without asking again.
  assert.deepEqual(gate.admit(video(false), true), { send: false, requestKeyframe: false });
  assert.deepEqual(gate.admit(video(true), true), { send: false, requestKeyframe: false });
  // Audio and text are never dropped by the gate.
  assert.deepEqual(gate.admit(audio, true), { send: true, requestKeyframe: false });
  assert.deepEqual(gate.admit("control", true), { send: true, requestKeyframe: false });
  // Congestion clears mid-gap: a delta is still dropped, and a keyframe is asked for exactly once.
  assert.deepEqual(gate.admit(video(false), false), { send: false, requestKeyframe: true });
  assert.deepEqual(gate.admit(video(false), false), { send: false, requestKeyframe: false });
  // The keyframe resumes the stream; deltas after it pass.
  assert.deepEqual(gate.admit(video(true), false), { send: true, requestKeyframe: false });
  assert.equal(gate.dropping, false);
  assert.deepEqual(gate.admit(video(false), false), { send: true, requestKeyframe: false });
  assert.equal(gate.dropped, 5);
});

Deno.test("KeyframeGate asks again when congestion returns and clears again within one gap", () => {
  const gate = new KeyframeGate();
  gate.admit(video(false), true);
  assert.equal(gate.admit(video(false), false).requestKeyframe, true);
  assert.equal(gate.admit(video(false), true).requestKeyframe, false);
  assert.equal(gate.admit(video(false), false).requestKeyframe, true);
});

Deno.test("KeyframeGate passes bytes that are not media frames", () => {
  const gate = new KeyframeGate();
  assert.deepEqual(gate.admit(new Uint8Array([0xff]), true), { send: true, requestKeyframe: false });
  assert.equal(gate.dropping, false);
});

Deno.test("KeyframeGate decides the same for parsed frames as for their bytes", () => {
  const bytes = new KeyframeGate();
  const parsed = new KeyframeGate();
  const sequence: [boolean, boolean][] = [[false, false], [false, true], [true, true], [false, false], [
    true,
    false,
  ]];
  for (const [key, congested] of sequence) {
    assert.deepEqual(
      parsed.admitFrame({ kind: "video", key }, congested),
      bytes.admit(video(key), congested),
    );
  }
  assert.equal(parsed.dropped, bytes.dropped);
});

Deno.test("the tunnel protocol's KeyframeGate is this one", () => {
  assert.equal(FromTunnel, KeyframeGate);
});

Deno.test("KeyframeGate with startAtKeyframe drops video up to the first keyframe without asking", () => {
  const gate = new KeyframeGate({ startAtKeyframe: true });
  assert.equal(gate.dropping, true);
  assert.deepEqual(gate.admitFrame({ kind: "video", key: false }, false), {
    send: false,
    requestKeyframe: false,
  });
  assert.deepEqual(gate.admitFrame({ kind: "audio", key: true }, false), {
    send: true,
    requestKeyframe: false,
  });
  assert.deepEqual(gate.admitFrame({ kind: "video", key: true }, false), {
    send: true,
    requestKeyframe: false,
  });
  assert.deepEqual(gate.admitFrame({ kind: "video", key: false }, false), {
    send: true,
    requestKeyframe: false,
  });
});
