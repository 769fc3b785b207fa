/**
 * The media session keeps its worker processes bounded and killable: concurrent resizes never run two shared
 * workers, WebRTC viewers beyond the bound are refused.
 */
import assert from "node:assert/strict";
import { MediaSession } from "./session.ts";
import { startXvfb, type TestDisplay } from "./_testing.ts";

/** Pids of this process's live media workers (from /proc). */
function workers(): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`).split(") ")[1].split(" ");
      if (Number(stat[1]) !== Deno.pid || stat[0] === "Z") continue;
      if (Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).includes("media/worker.ts")) {
        pids.push(Number(entry.name));
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return pids.sort();
}

function session(x: TestDisplay, extra: { maxPeers?: number } = {}): MediaSession {
  return new MediaSession({
    display: x.display,
    xauthority: x.xauthority,
    width: 640,
    height: 480,
    fps: 15,
    encoder: "x264",
    bitrateKbps: 2000,
    ...extra,
  });
}

const noPeer = { iceServers: [], onSignal() {}, onData() {}, onClose() {} };

Deno.test("media workers stay bounded", async (t) => {
  const x = await startXvfb(1280, 720);
  try {
    await t.step(
      "resizes at once restart the shared worker one after another, never two at a time",
      async () => {
        const media = session(x);
        try {
          await media.start();
          let most = 0;
          const sampling = setInterval(() => most = Math.max(most, workers().length), 20);
          await Promise.all([1, 2, 3, 4, 5, 6].map((i) => media.resize(640 + 32 * i, 480 + 16 * i)));
          clearInterval(sampling);
          assert.ok(most <= 1, `at most one shared worker at a time, saw ${most}`);
          assert.deepEqual(workers(), [media.workerPid]);
        } finally {
          await media.stop();
        }
        assert.deepEqual(workers(), []);
      },
    );

    await t.step("WebRTC viewers beyond maxPeers are refused", async () => {
      const media = session(x, { maxPeers: 1 });
      try {
        await media.start();
        const first = await media.createPeer(noPeer);
        await assert.rejects(media.createPeer(noPeer), /already streams to 1 WebRTC viewers/);
        await first.close();
        const again = await media.createPeer(noPeer);
        await again.close();
      } finally {
        await media.stop();
      }
      assert.deepEqual(workers(), []);
    });
  } finally {
    await x.close();
  }
});
