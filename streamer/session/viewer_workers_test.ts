/**
 * One viewer cannot make the session leak media workers: back-to-back `webrtc` requests and resizes run one
 * after another (at most one WebRTC worker per viewer, beside the shared one), and what the viewer started
 * ends when it leaves. Workers are counted from /proc, as children of this (the streamer's) process.
 */
import assert from "node:assert/strict";
import { delay, waitFor } from "../../tests/fixtures/async.ts";
import { connectViewer, startTestSession, type TestViewer } from "../../tests/fixtures/session.ts";
import { mediaWorkerPids } from "../../tests/fixtures/procs.ts";

Deno.test("a viewer's back-to-back webrtc requests and resizes stay within the worker bound and end with it", async () => {
  const session = await startTestSession({ geometry: "640x480", fps: 15 });
  let viewer: TestViewer | undefined;
  try {
    const shared = mediaWorkerPids();
    assert.equal(shared.length, 1, `one shared worker before the viewer: ${shared}`);

    viewer = connectViewer(session);
    const { messages } = viewer;
    await viewer.opened;
    await waitFor("the hello", () => messages.some((m) => m.t === "hello"), 10_000);

    for (let i = 0; i < 10; i++) {
      viewer.send({ t: "webrtc" });
      viewer.send({ t: "resize", w: 640 + 32 * (i + 1), h: 480 + 16 * (i + 1) });
    }
    // Bound while the requests are worked through: the shared worker plus one WebRTC worker of this viewer.
    let most = 0;
    const until = Date.now() + 8000;
    while (Date.now() < until) {
      most = Math.max(most, mediaWorkerPids().length);
      await delay(50);
    }
    assert.ok(most <= 2, `at most 2 media workers at once, saw ${most}`);
    assert.ok(messages.some((m) => m.t === "sdp"), "the viewer got an offer");

    viewer.socket.close();
    viewer = undefined;
    let left = mediaWorkerPids();
    const gone = Date.now() + 8000;
    while (Date.now() < gone && left.length > 1) {
      await delay(100);
      left = mediaWorkerPids();
    }
    assert.equal(left.length, 1, `only the shared worker stays after the viewer left: ${left}`);
    assert.equal(left[0], session.media.workerPid);
  } finally {
    viewer?.socket.close();
    await session.stop();
  }
  assert.deepEqual(mediaWorkerPids(), [], "no worker after the session stopped");
});
