import assert from "node:assert/strict";
import { type Counters, receiverDelivery } from "./_receiver.ts";

const zero: Counters = {
  at: 0,
  framesReceived: 0,
  framesDecoded: 0,
  framesDropped: 0,
  decodeS: 0,
  processingS: 0,
  framesPresented: 0,
  packetsReceived: 0,
  packetsLost: 0,
};
/** One second at 30 fps received, decoded and presented, 3 ms decoding, 10 ms first packet to decoded. */
const good: Counters = {
  ...zero,
  at: 1000,
  framesReceived: 30,
  framesDecoded: 30,
  decodeS: 0.09,
  processingS: 0.3,
  framesPresented: 30,
  packetsReceived: 300,
  rttMs: 4,
};

Deno.test("a receiver keeping up: its fps, no queue, half the round trip plus its own time per frame", () => {
  const d = receiverDelivery(zero, good, 30);
  assert.deepEqual({ fps: d.fps, queued: d.queued, latencyMs: d.latencyMs, limit: d.limit }, {
    fps: 30,
    queued: 0,
    latencyMs: 12,
    limit: "none",
  });
  assert.equal(d.sample.decodeMs, 3);
});

Deno.test("dropped frames or decoding slower than a frame interval: this browser limits", () => {
  const dropping = { ...good, framesDecoded: 20, framesDropped: 10, framesPresented: 20, decodeS: 0.06 };
  assert.equal(receiverDelivery(zero, dropping, 30).limit, "decode");
  const slow = { ...good, framesDecoded: 15, framesPresented: 15, decodeS: 15 * 0.05 };
  const d = receiverDelivery(zero, slow, 30);
  assert.equal(d.limit, "decode");
  assert.equal(d.queued, 15, "frames arrived and not decoded yet");
});

Deno.test("lost packets: the network limits", () => {
  const lossy = { ...good, framesReceived: 20, framesDecoded: 20, framesPresented: 20, packetsLost: 20 };
  assert.equal(receiverDelivery(zero, lossy, 30).limit, "network");
});

Deno.test("fewer frames arrive than asked, none wait here: the encoder limits", () => {
  const few = { ...good, framesReceived: 18, framesDecoded: 18, framesPresented: 18 };
  assert.equal(receiverDelivery(zero, few, 30).limit, "encode");
});
