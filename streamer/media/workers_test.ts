/**
 * The media session keeps its worker processes bounded and killable: concurrent resizes never run two shared
 * workers, WebRTC viewers beyond the bound are refused, an offer nobody answers ends its worker, a worker
 * that stops answering its parent is killed, and `killAll` ends every worker at once.
 */
import assert from "node:assert/strict";
import { startXvfb, testMediaSession } from "../../tests/fixtures/media.ts";
import { waitFor } from "../../tests/fixtures/async.ts";
import { mediaWorkerPids } from "../../tests/fixtures/procs.ts";
import { isAlive } from "../../tests/harness/mod.ts";

const noPeer = { iceServers: [], onSignal() {}, onData() {}, onClose() {} };

Deno.test("media workers stay bounded", async (t) => {
  const x = await startXvfb(1280, 720);
  try {
    await t.step(
      "resizes at once restart the shared worker one after another, never two at a time",
      async () => {
        const media = testMediaSession(x);
        try {
          await media.start();
          let most = 0;
          const sampling = setInterval(() => most = Math.max(most, mediaWorkerPids().length), 20);
          await Promise.all([1, 2, 3, 4, 5, 6].map((i) => media.resize(640 + 32 * i, 480 + 16 * i)));
          clearInterval(sampling);
          assert.ok(most <= 1, `at most one shared worker at a time, saw ${most}`);
          assert.deepEqual(mediaWorkerPids(), [media.workerPid]);
        } finally {
          await media.stop();
        }
        assert.deepEqual(mediaWorkerPids(), []);
      },
    );

    await t.step("WebRTC viewers beyond maxPeers are refused", async () => {
      const media = testMediaSession(x, { maxPeers: 1 });
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
      assert.deepEqual(mediaWorkerPids(), []);
    });

    await t.step("an offer nobody answers ends its worker after connectTimeoutMs, saying why", async () => {
      const media = testMediaSession(x, { connectTimeoutMs: 2000 });
      try {
        await media.start();
        let reason = "";
        let offers = 0;
        await media.createPeer({
          ...noPeer,
          onSignal: (m) => void (m.t === "sdp" && offers++),
          onClose: (why) => reason = why,
        });
        assert.equal(mediaWorkerPids().length, 2);
        await waitFor("the unanswered peer to end", () => reason !== "", 6000);
        assert.match(reason, /did not answer and connect within 2 s/);
        assert.equal(offers, 1, "the offer went out");
        assert.deepEqual(mediaWorkerPids(), [media.workerPid], "the peer's worker is gone");
      } finally {
        await media.stop();
      }
    });

    await t.step(
      "a worker that stops answering its parent is killed (and the shared one restarts)",
      async () => {
        const media = testMediaSession(x, { unresponsiveMs: 1500 });
        try {
          await media.start();
          const pid = media.workerPid!;
          Deno.kill(pid, "SIGSTOP"); // alive, but deaf: as if stuck in a native call
          const stopped = performance.now();
          await waitFor(`the stopped worker ${pid} to be killed`, () => !isAlive(pid), 5000);
          const ms = performance.now() - stopped;
          console.log(`an unresponsive worker was killed after ${ms.toFixed(0)} ms`);
          await waitFor("a new worker", () => media.workerPid !== undefined && media.workerPid !== pid, 5000);
        } finally {
          await media.stop();
        }
        assert.deepEqual(mediaWorkerPids(), []);
      },
    );

    await t.step(
      "killAll ends every worker at once; peers hear why, the shared worker restarts",
      async () => {
        const media = testMediaSession(x);
        try {
          await media.start();
          const reasons: string[] = [];
          for (let i = 0; i < 2; i++) {
            await media.createPeer({ ...noPeer, onClose: (reason) => void reasons.push(reason) });
          }
          const before = mediaWorkerPids();
          assert.equal(before.length, 3);
          await media.killAll("test");
          assert.ok(before.every((pid) => !isAlive(pid)), "all three are gone when killAll resolves");
          await waitFor("both peers to close", () => reasons.length === 2, 2000);
          assert.ok(reasons.every((r) => /SIGKILL/.test(r)), `reasons: ${reasons}`);
          await waitFor(
            "the shared worker to restart",
            () => media.workerPid !== undefined && !before.includes(media.workerPid),
            5000,
          );
        } finally {
          await media.stop();
        }
        assert.deepEqual(mediaWorkerPids(), []);
      },
    );
  } finally {
    await x.close();
  }
});
