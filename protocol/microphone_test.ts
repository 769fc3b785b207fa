import assert from "node:assert/strict";
import {
  decodeMicFrame,
  encodeMicFrame,
  isMicFrame,
  MIC_FRAME_KIND,
  MIC_HEADER_BYTES,
  MIC_MAX_PACKET_BYTES,
} from "./microphone.ts";
import { decodeMediaFrame, parseClientMessage, viewOnlyMaySend } from "./protocol.ts";
import { isTransferFrame } from "./transfer.ts";
import { KeyframeGate } from "./keyframe_gate.ts";

Deno.test("microphone frames round-trip and are no other kind of frame", () => {
  const payload = new Uint8Array([0xf8, 0xff, 0xfe]);
  const bytes = encodeMicFrame({ seq: 70_001, timestampUs: 123_456_789, payload });
  assert.equal(bytes[0], MIC_FRAME_KIND);
  assert.equal(bytes.byteLength, MIC_HEADER_BYTES + 3);
  assert.deepEqual(decodeMicFrame(bytes), { seq: 70_001 & 0xffff, timestampUs: 123_456_789, payload });
  assert.ok(isMicFrame(bytes));
  // Older receivers: not media (the client ignores it), not a file chunk, passed by the relay's gate.
  assert.equal(decodeMediaFrame(bytes), undefined);
  assert.ok(!isTransferFrame(bytes));
  assert.deepEqual(new KeyframeGate().admit(bytes, true), { send: true, requestKeyframe: false });
});

Deno.test("hostile microphone frames decode to undefined", () => {
  const ok = encodeMicFrame({ seq: 1, timestampUs: 0, payload: new Uint8Array(MIC_MAX_PACKET_BYTES) });
  assert.ok(decodeMicFrame(ok));
  const cases = [
    new Uint8Array(0),
    new Uint8Array(MIC_HEADER_BYTES).fill(MIC_FRAME_KIND, 0, 1), // no payload
    encodeMicFrame({ seq: 1, timestampUs: 0, payload: new Uint8Array(MIC_MAX_PACKET_BYTES + 1) }),
    encodeMicFrame({ seq: 1, timestampUs: NaN, payload: new Uint8Array(2) }),
    encodeMicFrame({ seq: 1, timestampUs: Infinity, payload: new Uint8Array(2) }),
    new Uint8Array([3, ...new Uint8Array(20)]),
  ];
  for (const bytes of cases) assert.equal(decodeMicFrame(bytes), undefined);
});

Deno.test("the mic message: a desktop change, refused to view-only viewers", () => {
  assert.deepEqual(parseClientMessage('{"t":"mic","on":true}'), { t: "mic", on: true });
  assert.equal(parseClientMessage('{"t":"mic","on":"yes"}'), undefined);
  assert.equal(parseClientMessage('{"t":"mic"}'), undefined);
  assert.equal(viewOnlyMaySend("mic"), false);
});

Deno.test("binary frames from the browser have a category, none a view-only viewer may send", async () => {
  const { binaryFrameCategory } = await import("./protocol.ts");
  assert.equal(
    binaryFrameCategory(encodeMicFrame({ seq: 0, timestampUs: 0, payload: new Uint8Array(1) })),
    "desktop",
  );
  assert.equal(binaryFrameCategory(new Uint8Array([5, 0])), "desktop");
  assert.equal(binaryFrameCategory(new Uint8Array([3, 0])), "files");
  assert.equal(binaryFrameCategory(new Uint8Array([1, 0])), undefined);
  assert.equal(binaryFrameCategory(new Uint8Array(0)), undefined);
});
