import assert from "node:assert/strict";
import type { MediaFrame } from "../../protocol/protocol.ts";
import { delay } from "../../tests/fixtures/async.ts";
import { startMotion, startXvfb, testMediaSession } from "../../tests/fixtures/media.ts";

const W = 640, H = 360;

/** Frames whose capture time falls in the last `seconds` before `endUs` (the stream's rate, not arrival's). */
function capturedIn(frames: MediaFrame[], endUs: number, seconds: number): number {
  const from = endUs - seconds * 1e6;
  return frames.filter((f) => f.kind === "video" && f.timestampUs >= from && f.timestampUs < endUs).length;
}

/** Two busy loops: this 2-core box's capture thread then stalls for whole frame periods. */
function busyLoops(): { stop(): Promise<void> } {
  const children = [0, 1].map(() => new Deno.Command("yes", { stdout: "null", stderr: "null" }).spawn());
  return {
    async stop() {
      for (const child of children) child.kill("SIGKILL");
      await Promise.all(children.map((child) => child.status));
    },
  };
}

Deno.test("a lowered frame rate holds under CPU starvation: no catching up on the frames a stall missed", async (t) => {
  const x = await startXvfb(W, H);
  const motion = startMotion(x, "ball", W, H);
  const media = testMediaSession(x, { width: W, height: H, fps: 60 });
  const frames: MediaFrame[] = [];
  let load: { stop(): Promise<void> } | undefined;
  try {
    await media.start();
    let room = true;
    const unsubscribe = media.subscribe((f) => frames.push(f), { ready: () => room });
    await delay(1000);
    await media.setFps(15);
    await delay(1000);

    await t.step("unloaded: the asked rate, within a frame", async () => {
      const end = Date.now() * 1000;
      await delay(3300);
      const n = capturedIn(frames, end + 3e6, 3) / 3;
      assert.ok(n >= 15 * 0.8 && n <= 15 * 1.1, `${n.toFixed(1)} fps by capture time`);
    });

    await t.step(
      "two busy loops, and the encoder held now and then: never above the asked rate",
      async () => {
        // A paced viewer holds the encoder while its window is full (protocol/pacing.ts); a busy box stalls it.
        load = busyLoops();
        let open = 0, counted = 0;
        for (let i = 0; i < 3; i++) {
          room = false;
          media.pace();
          await delay(700);
          const from = Date.now() * 1000;
          room = true;
          media.pace();
          await delay(1000);
          const to = Date.now() * 1000;
          await delay(300); // frames captured before `to` that are still on their way
          counted += frames.filter((f) =>
            f.kind === "video" && f.timestampUs >= from && f.timestampUs < to
          ).length;
          open += (to - from) / 1e6;
        }
        await load.stop();
        load = undefined;
        const fps = counted / open;
        assert.ok(fps <= 15 * 1.1, `${fps.toFixed(1)} fps by capture time while open (15 asked)`);
      },
    );
    await t.step("raised again live: the capture follows", async () => {
      await media.setFps(30);
      await delay(1000);
      const end = Date.now() * 1000;
      await delay(2300);
      const n = capturedIn(frames, end + 2e6, 2) / 2;
      assert.ok(n >= 30 * 0.8 && n <= 30 * 1.1, `${n.toFixed(1)} fps by capture time (30 asked)`);
    });
    unsubscribe();
  } finally {
    await load?.stop();
    await media.stop();
    await motion.close();
    await x.close();
  }
});
