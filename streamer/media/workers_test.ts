/**
 * The media session keeps its worker processes bounded and killable: concurrent resizes never run two shared
 * workers, WebRTC viewers beyond the bound are refused, an offer nobody answers ends its worker, a worker
 * that stops answering its parent is killed, and `killAll` ends every worker at once.
 */
import assert from "node:assert/strict";
import { type MediaOptions, MediaSession } from "./session.ts";
import { startXvfb, type TestDisplay } from "../../tests/fixtures/media.ts";

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

function alive(pid: number): boolean {
  try {
    return !Deno.readTextFileSync(`/proc/${pid}/stat`).includes(") Z ");
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms: number, what: string): Promise<number> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return performance.now() - start;
}

function session(x: TestDisplay, extra: Partial<MediaOptions> = {}): MediaSession {
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

    await t.step("an offer nobody answers ends its worker after connectTimeoutMs, saying why", async () => {
      const media = session(x, { connectTimeoutMs: 2000 });
      try {
        await media.start();
        let reason = "";
        let offers = 0;
        await media.createPeer({
          ...noPeer,
          onSignal: (m) => void (m.t === "sdp" && offers++),
          onClose: (why) => reason = why,
        });
        assert.equal(workers().length, 2);
        await until(() => reason !== "", 6000, "the unanswered peer ends");
        assert.match(reason, /did not answer and connect within 2 s/);
        assert.equal(offers, 1, "the offer went out");
        assert.deepEqual(workers(), [media.workerPid], "the peer's worker is gone");
      } finally {
        await media.stop();
      }
    });

    await t.step(
      "a worker that stops answering its parent is killed (and the shared one restarts)",
      async () => {
        const media = session(x, { unresponsiveMs: 1500 });
        try {
          await media.start();
          const pid = media.workerPid!;
          Deno.kill(pid, "SIGSTOP"); // alive, but deaf: as if stuck in a native call
          const ms = await until(() => !alive(pid), 5000, `the stopped worker ${pid} is killed`);
          console.log(`an unresponsive worker was killed after ${ms.toFixed(0)} ms`);
          await until(() => media.workerPid !== undefined && media.workerPid !== pid, 5000, "a new worker");
        } finally {
          await media.stop();
        }
        assert.deepEqual(workers(), []);
      },
    );

    await t.step(
      "killAll ends every worker at once; peers hear why, the shared worker restarts",
      async () => {
        const media = session(x);
        try {
          await media.start();
          const reasons: string[] = [];
          for (let i = 0; i < 2; i++) {
            await media.createPeer({ ...noPeer, onClose: (reason) => void reasons.push(reason) });
          }
          const before = workers();
          assert.equal(before.length, 3);
          await media.killAll("test");
          assert.ok(before.every((pid) => !alive(pid)), "all three are gone when killAll resolves");
          await until(() => reasons.length === 2, 2000, "both peers closed");
          assert.ok(reasons.every((r) => /SIGKILL/.test(r)), `reasons: ${reasons}`);
          await until(
            () => media.workerPid !== undefined && !before.includes(media.workerPid),
            5000,
            "restart",
          );
        } finally {
          await media.stop();
        }
        assert.deepEqual(workers(), []);
      },
    );
  } finally {
    await x.close();
  }
});
