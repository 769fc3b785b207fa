import assert from "node:assert/strict";
import { statusLine } from "./overlay.ts";
import { createStats } from "./stats.ts";

Deno.test("the status line shows transport, fps, bitrate and connection state", () => {
  assert.equal(
    statusLine({ ...createStats(), transport: "webrtc", fps: 59.6, kbps: 12_345, connected: true }),
    "webrtc · 60 fps · 12.3 Mbit/s · connected",
  );
  assert.equal(statusLine({ ...createStats(), kbps: 640 }), "none · 0 fps · 640 kbit/s · disconnected");
});

Deno.test("with paced WebSocket media the status line shows overload: drawn/encoded fps, latency, in flight", () => {
  const paced = { ...createStats(), transport: "websocket" as const, kbps: 2500, connected: true, window: 2 };
  assert.equal(
    statusLine({ ...paced, fps: 12, encoderFps: 13, latencyMs: 182.4, inFlight: 2 }),
    "websocket · 12 fps · 2.5 Mbit/s · 182 ms · 2/2 in flight · connected",
  );
  assert.equal(
    statusLine({ ...paced, fps: 9, encoderFps: 30, latencyMs: 95, inFlight: 1 }),
    "websocket · 9/30 fps · 2.5 Mbit/s · 95 ms · 1/2 in flight · connected",
  );
});

Deno.test("overload names the stage that limits, on both transports", () => {
  const paced = { ...createStats(), transport: "websocket" as const, kbps: 2500, connected: true, window: 2 };
  assert.equal(
    statusLine({ ...paced, fps: 9, encoderFps: 9, latencyMs: 160, inFlight: 2, limit: "decode" }),
    "websocket · 9 fps · 2.5 Mbit/s · 160 ms · 2/2 in flight · limited by decode · connected",
  );
  const rtc = { ...createStats(), transport: "webrtc" as const, kbps: 900, connected: true };
  assert.equal(
    statusLine({ ...rtc, fps: 20, latencyMs: 31.6, inFlight: 0, limit: "network" }),
    "webrtc · 20 fps · 900 kbit/s · ~32 ms · 0 queued · limited by network · connected",
  );
  assert.equal(
    statusLine({ ...rtc, fps: 30 }),
    "webrtc · 30 fps · 900 kbit/s · connected",
    "no estimate yet",
  );
});
