/**
 * A WebRTC viewer follows a desktop resize: after the browser window shrinks, the decoded video has the new
 * screen size (not the old one scaled into it, which squashes and blurs the picture).
 */
import assert from "node:assert/strict";
import { delay } from "./fixtures/async.ts";
import type { Win } from "./fixtures/client_browser.ts";
import { expectPixel, startViewedSession } from "./fixtures/session.ts";

/** The `<video>` element's decoded size and the page's transport. */
function videoSize(): { w: number; h: number; transport: string } {
  const video = document.getElementById("video") as HTMLVideoElement;
  return { w: video.videoWidth, h: video.videoHeight, transport: (globalThis as Win).selkiesStats.transport };
}

Deno.test("a WebRTC viewer's decoded video follows a desktop resize", async () => {
  // SMPTE bars in a window at (0,0), redrawn 30 times a second: the damage-gated capture sends frames only
  // while the screen changes. Bar centres (640-wide window): red at x=503, blue at x=594.
  const desktop = "exec gst-launch-1.0 -q videotestsrc pattern=smpte ! " +
    "video/x-raw,width=640,height=360,framerate=30/1 ! ximagesink";
  const { session, page, stop } = await startViewedSession({ desktop });
  try {
    await page.goto(`${session.url}&transport=webrtc`);
    await page.waitForFunction(
      () => {
        const v = document.getElementById("video") as HTMLVideoElement;
        return (globalThis as Win).selkiesStats?.transport === "webrtc" && v.videoWidth === 1280;
      },
      null,
      { timeout: 30_000 },
    );
    assert.deepEqual(await page.evaluate(videoSize), { w: 1280, h: 720, transport: "webrtc" });
    await expectPixel(page, 594, 100, [0, 0, 255]);

    await page.setViewportSize({ width: 1000, height: 700 });
    let last = await page.evaluate(videoSize);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !(last.w === 1000 && last.h === 700)) {
      await delay(250);
      last = await page.evaluate(videoSize);
    }
    assert.deepEqual(last, { w: 1000, h: 700, transport: "webrtc" }, "the WebRTC video has the new size");
    // The picture is the new screen pixel for pixel, not the old capture scaled into the new size.
    await expectPixel(page, 503, 100, [255, 0, 0]);
    await expectPixel(page, 594, 100, [0, 0, 255]);
    // Growing works the same way.
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.waitForFunction(
      () => (document.getElementById("video") as HTMLVideoElement).videoWidth === 1280,
      null,
      { timeout: 15_000 },
    );
    assert.deepEqual(await page.evaluate(videoSize), { w: 1280, h: 720, transport: "webrtc" });
    await expectPixel(page, 594, 100, [0, 0, 255]);
    // And it keeps playing.
    const before = await page.evaluate(() => (globalThis as Win).selkiesStats.framesDecoded);
    await page.waitForFunction(
      (n) => (globalThis as Win).selkiesStats.framesDecoded > n + 10,
      before,
      { timeout: 10_000 },
    );
  } finally {
    await stop();
  }
});
