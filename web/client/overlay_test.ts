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
