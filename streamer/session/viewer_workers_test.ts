/**
 * One viewer cannot make the session leak media workers: back-to-back `webrtc` requests and resizes run one
 * after another (at most one WebRTC worker per viewer, beside the shared one), and what the viewer started
 * ends when it leaves. Workers are counted from /proc, as children of this (the streamer's) process.
 */
import assert from "node:assert/strict";
import { SessionSettingsSchema } from "../../jobs/session.ts";
import { startSession } from "./session.ts";
import { delay } from "../../tests/fixtures/async.ts";
import { mediaWorkerPids } from "../../tests/fixtures/procs.ts";

Deno.test("a viewer's back-to-back webrtc requests and resizes stay within the worker bound and end with it", async () => {
  const settings = SessionSettingsSchema.parse({
    geometry: "640x480",
    fps: 15,
    audio: false,
    desktop: "exec sleep 600",
  });
  const session = await startSession(settings, {});
  let socket: WebSocket | undefined;
  try {
    const shared = mediaWorkerPids();
    assert.equal(shared.length, 1, `one shared worker before the viewer: ${shared}`);

    const url = session.url.replace(/^http/, "ws").replace(/\/?\?token=.*/, "/ws");
    const headers = { authorization: `Bearer ${session.token}` };
    // Deno takes headers here (the DOM typings do not know it).
    socket = new WebSocket(url, { headers } as unknown as string[]);
    const hello = Promise.withResolvers<void>();
    const offers: string[] = [];
    socket.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      const message = JSON.parse(event.data);
      if (message.t === "hello") hello.resolve();
      if (message.t === "sdp") offers.push(message.sdp);
    };
    socket.onerror = () => hello.reject(new Error("the viewer socket failed"));
    await hello.promise;

    for (let i = 0; i < 10; i++) {
      socket.send(JSON.stringify({ t: "webrtc" }));
      socket.send(JSON.stringify({ t: "resize", w: 640 + 32 * (i + 1), h: 480 + 16 * (i + 1) }));
    }
    // Bound while the requests are worked through: the shared worker plus one WebRTC worker of this viewer.
    let most = 0;
    const until = Date.now() + 8000;
    while (Date.now() < until) {
      most = Math.max(most, mediaWorkerPids().length);
      await delay(50);
    }
    assert.ok(most <= 2, `at most 2 media workers at once, saw ${most}`);
    assert.ok(offers.length >= 1, "the viewer got an offer");

    socket.close();
    socket = undefined;
    let left = mediaWorkerPids();
    const gone = Date.now() + 8000;
    while (Date.now() < gone && left.length > 1) {
      await delay(100);
      left = mediaWorkerPids();
    }
    assert.equal(left.length, 1, `only the shared worker stays after the viewer left: ${left}`);
    assert.equal(left[0], session.media.workerPid);
  } finally {
    socket?.close();
    await session.stop();
  }
  assert.deepEqual(mediaWorkerPids(), [], "no worker after the session stopped");
});
