import assert from "node:assert/strict";
import { CLIENT_MESSAGE_CATEGORIES, type ClientMessage, viewOnlyMaySend } from "./protocol.ts";

Deno.test("a view-only viewer may send what concerns its own stream, WebRTC signalling included, no input", () => {
  const allowed = (Object.keys(CLIENT_MESSAGE_CATEGORIES) as ClientMessage["t"][]).filter(viewOnlyMaySend);
  assert.deepEqual(allowed.sort(), ["ack", "ice", "kf", "sdp", "stats", "webrtc"]);
  for (
    const t of ["kd", "ku", "reset", "ma", "mr", "mb", "mw", "clip", "resize", "bitrate", "fps"] as const
  ) {
    assert.equal(viewOnlyMaySend(t), false, t);
  }
  assert.equal(viewOnlyMaySend("toString" as ClientMessage["t"]), false);
});
