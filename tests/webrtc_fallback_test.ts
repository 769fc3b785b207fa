/**
 * A WebRTC viewer whose peer ends on the server (its worker killed, e.g. by `MediaSession.killAll` after an X
 * round trip timed out) is told so and falls back to the WebSocket at once, instead of a frozen picture
 * until ICE gives up.
 */
import assert from "node:assert/strict";
import type { Win } from "./fixtures/client_browser.ts";
import { mediaWorkerPids } from "./fixtures/procs.ts";
import { startViewedSession } from "./fixtures/session.ts";

Deno.test("a WebRTC viewer whose peer worker dies falls back to the WebSocket at once", async () => {
  const desktop = "exec gst-launch-1.0 -q videotestsrc pattern=ball ! " +
    "video/x-raw,width=640,height=360,framerate=30/1 ! ximagesink";
  const { session, page, stop } = await startViewedSession({ desktop });
  try {
    await page.goto(`${session.url}&transport=auto&resize=off`);
    await page.waitForFunction(() => (globalThis as Win).selkiesStats?.transport === "webrtc", null, {
      timeout: 30_000,
    });
    const peers = mediaWorkerPids().filter((pid) => pid !== session.media.workerPid);
    assert.equal(peers.length, 1, `one WebRTC worker: ${peers}`);
    Deno.kill(peers[0], "SIGKILL");

    await page.waitForFunction(() => (globalThis as Win).selkiesStats.transport === "websocket", null, {
      timeout: 10_000,
    });
    const reason = await page.evaluate(() => (globalThis as Win).selkiesStats.transportReason);
    assert.match(reason, /WebRTC ended/);
    const before = await page.evaluate(() => (globalThis as Win).selkiesStats.framesDecoded);
    await page.waitForFunction((n) => (globalThis as Win).selkiesStats.framesDecoded > n + 10, before, {
      timeout: 10_000,
    });
  } finally {
    await stop();
  }
});
