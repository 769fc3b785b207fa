import assert from "node:assert/strict";
import type { MediaFrame } from "../../protocol/protocol.ts";
import { delay } from "../../tests/fixtures/async.ts";
import { startMotion, startXvfb, testMediaSession } from "../../tests/fixtures/media.ts";

const W = 640, H = 360, FPS = 30;

Deno.test("the shared encoder is paced: held while no subscriber has room, fresh captures when it resumes", async (t) => {
  const x = await startXvfb(W, H);
  const motion = startMotion(x, "ball", W, H);
  const media = testMediaSession(x, { width: W, height: H, fps: FPS });
  try {
    await media.start();
    let room = true;
    const frames: (MediaFrame & { at: number; wall: number })[] = [];
    const unsubscribe = media.subscribe(
      (f) => frames.push({ ...f, at: performance.now(), wall: Date.now() }),
      { ready: () => room },
    );
    const videoIn = (from: number, to = performance.now()) =>
      frames.filter((f) => f.kind === "video" && f.at >= from && f.at < to);

    await t.step("video frames are numbered and carry their capture time on the wall clock", async () => {
      await delay(1500);
      const video = videoIn(0);
      assert.ok(video.length > 20, `${video.length} frames`);
      for (let i = 1; i < video.length; i++) assert.equal(video[i].seq, (video[i - 1].seq! + 1) % 0x10000);
      const ages = video.map((f) => f.wall - f.timestampUs / 1000);
      // Capture, convert and encode take milliseconds here; never negative, never seconds.
      assert.ok(ages.every((a) => a >= -5 && a < 500), `ages ${ages.map((a) => a.toFixed(0)).join(" ")}`);
    });

    await t.step("no subscriber with room: the encoder stops within a frame or two", async () => {
      room = false;
      media.pace();
      await delay(300);
      const from = performance.now();
      await delay(1000);
      assert.ok(videoIn(from).length <= 1, `${videoIn(from).length} frames while held`);
    });

    await t.step("room again: the next frame comes at once, freshly captured", async () => {
      const from = performance.now();
      room = true;
      media.pace();
      while (!videoIn(from).length && performance.now() - from < 1000) await delay(5);
      const [first] = videoIn(from);
      assert.ok(first, "a frame after the encoder resumed");
      assert.ok(first.at - from < 200, `first frame ${(first.at - from).toFixed(0)} ms after resuming`);
      const age = first.wall - first.timestampUs / 1000;
      assert.ok(age < 150, `its capture is ${age.toFixed(0)} ms old, not from before the pause`);
      await delay(1000);
      assert.ok(videoIn(from).length >= FPS * 0.7, `${videoIn(from).length} frames in the second after`);
    });

    await t.step("a subscriber without pacing keeps the encoder going", async () => {
      room = false;
      media.pace();
      const unpaced = media.subscribe(() => {});
      const from = performance.now();
      await delay(1000);
      unpaced();
      assert.ok(videoIn(from).length >= FPS * 0.7, `${videoIn(from).length} frames`);
    });
    unsubscribe();
  } finally {
    await media.stop();
    await motion.close();
    await x.close();
  }
});
