import assert from "node:assert/strict";
import { Adapter, type ReceiverSample } from "./adapt.ts";

const fine: ReceiverSample = {
  seconds: 1,
  framesReceived: 60,
  framesDecoded: 60,
  framesDropped: 0,
  decodeMs: 4,
  packetsReceived: 900,
  packetsLost: 0,
  rttMs: 2,
};
const slowClient: ReceiverSample = { ...fine, framesDecoded: 45, framesDropped: 15, decodeMs: 21 };
const lossy: ReceiverSample = { ...fine, packetsReceived: 855, packetsLost: 45 };

function run(adapter: Adapter, samples: ReceiverSample[]) {
  return samples.map((s) => adapter.update(s)).filter((c) => c !== undefined);
}

Deno.test("a browser that drops frames gets a lower frame rate after two bad seconds, then every 3 s", () => {
  const adapter = new Adapter({ maxFps: 60, maxKbps: 8000 });
  assert.equal(adapter.update(slowClient), undefined, "one bad second is not enough");
  const first = adapter.update(slowClient);
  assert.equal(first?.fps, 45);
  assert.equal(first?.kbps, undefined, "the network is fine: the bitrate stays");
  assert.match(first!.reason, /15 of 60 frames dropped/);
  const later = run(adapter, Array(9).fill(slowClient));
  assert.deepEqual(later.map((c) => c.fps), [34, 26, 20]);
  assert.deepEqual(run(adapter, Array(10).fill(slowClient)).map((c) => c.fps), [15], "never below 15 fps");
});

Deno.test("decoding slower than the frames come counts as falling behind, relative to the rate asked", () => {
  const adapter = new Adapter({ maxFps: 60 });
  const slowDecode = { ...fine, decodeMs: 15 }; // > 0.8 x 16.7 ms
  assert.equal(run(adapter, [slowDecode, slowDecode])[0].fps, 45);
  // At 45 fps a frame may take 17.8 ms: 15 ms is fine now, and after five good seconds the rate goes back up.
  assert.deepEqual(run(adapter, Array(5).fill(slowDecode)).map((c) => c.fps), [52]);
});

Deno.test("packet loss lowers the bitrate, not the frame rate, and only with a known ceiling", () => {
  const adapter = new Adapter({ maxFps: 60, maxKbps: 8000 });
  const change = run(adapter, [lossy, lossy])[0];
  assert.deepEqual({ fps: change.fps, kbps: change.kbps }, { fps: undefined, kbps: 6000 });
  assert.match(change.reason, /loses 5\.0 % of packets/);
  assert.deepEqual(
    run(new Adapter({ maxFps: 60 }), Array(6).fill(lossy)),
    [],
    "no ceiling: the bitrate is left alone",
  );
});

Deno.test("a round trip that grows well past its floor counts as congestion", () => {
  const adapter = new Adapter({ maxFps: 30, maxKbps: 4000 });
  const queued = { ...fine, rttMs: 240 };
  const changes = run(adapter, [fine, queued, queued]);
  assert.equal(changes.length, 1);
  assert.equal(changes[0].kbps, 3000);
  assert.match(changes[0].reason, /round trip grew to 240 ms/);
});

Deno.test("recovery is slow and stops at the session's own settings", () => {
  const adapter = new Adapter({ maxFps: 60, maxKbps: 8000, minKbps: 1000 });
  run(adapter, Array(30).fill({ ...slowClient, packetsLost: 100 }));
  assert.equal(adapter.fps, 15);
  assert.equal(adapter.kbps, 1000);
  const ups = run(adapter, Array(120).fill(fine));
  assert.ok(ups.length >= 10, `${ups.length} steps up`);
  assert.equal(adapter.fps, 60);
  assert.equal(adapter.kbps, 8000);
  const fpsSteps = ups.map((c) => c.fps).filter((f) => f !== undefined);
  assert.deepEqual(fpsSteps.slice(0, 3), [17, 20, 23], "+15 % (at least +2) per step");
  assert.deepEqual(run(adapter, Array(20).fill(fine)), [], "nothing above the ceiling");
});

Deno.test("a healthy stream is never touched", () => {
  assert.deepEqual(run(new Adapter({ maxFps: 60, maxKbps: 8000 }), Array(60).fill(fine)), []);
});
