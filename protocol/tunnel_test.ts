import assert from "node:assert/strict";
import { encodeMediaFrame } from "./protocol.ts";
import { decodeStreamData, encodeStreamData, KeyframeGate, MAX_STREAM_FRAME_BYTES } from "./tunnel.ts";

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

Deno.test("stream data frames round-trip and refuse malformed input", () => {
  assert.deepEqual(decodeStreamData(encodeStreamData(0xffffffff, "é")), { id: 0xffffffff, data: "é" });
  const bin = decodeStreamData(encodeStreamData(3, new Uint8Array([9, 8])));
  assert.deepEqual([...(bin?.data as Uint8Array)], [9, 8]);
  assert.equal(decodeStreamData(encodeStreamData(0, "x")), undefined);
  assert.equal(decodeStreamData(new Uint8Array([2, 0, 0, 0, 1, 0xc3])), undefined); // truncated UTF-8
  assert.equal(decodeStreamData(new Uint8Array(MAX_STREAM_FRAME_BYTES + 1)), undefined);
});
