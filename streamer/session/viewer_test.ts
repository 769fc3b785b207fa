import assert from "node:assert/strict";
import { decodeMediaFrame, type MediaFrame } from "../../protocol/protocol.ts";
import { BUFFER_BUDGETS } from "../../protocol/budgets.ts";
import { attachViewer, type ViewerContext } from "./viewer.ts";
import type { DesktopPort, ViewerSocket } from "./ports.ts";

// Unit test of pure viewer logic: the socket, media and desktop are in-memory fakes.
function fakes() {
  const sent: (string | Uint8Array)[] = [];
  const calls: string[] = [];
  let onMessage: (data: string | Uint8Array) => void = () => {};
  let onClose: () => void = () => {};
  let subscriber: ((frame: MediaFrame) => void) | undefined;
  let ready: (() => boolean) | undefined;
  let seq = 0;
  const socket: ViewerSocket & { buffered: number } = {
    buffered: 0,
    get bufferedAmount() {
      return this.buffered;
    },
    send: (data) => void sent.push(data),
    close: () => onClose(),
    onMessage: (cb) => void (onMessage = cb),
    onClose: (cb) => void (onClose = cb),
  };
  const desktop: DesktopPort = {
    keyDown: (k) => void calls.push(`kd ${k}`),
    keyUp: (k) => void calls.push(`ku ${k}`),
    typeText: (text) => void calls.push(`text ${text}`),
    releaseAll: () => void calls.push("releaseAll"),
    moveTo: (x, y) => void calls.push(`moveTo ${x},${y}`),
    moveBy: (x, y) => void calls.push(`moveBy ${x},${y}`),
    button: (b, d) => void calls.push(`button ${b} ${d}`),
    wheel: (x, y) => void calls.push(`wheel ${x},${y}`),
    setClipboard: (t) => void calls.push(`clip ${t}`),
    resize: (w, h) => Promise.resolve({ width: w, height: h }),
  };
  const context: ViewerContext = {
    media: {
      codec: "avc1.42e01f",
      encoder: "x264enc",
      fps: 30,
      subscribe: (cb, options) => {
        subscriber = cb;
        ready = options?.ready;
        return () => subscriber = ready = undefined;
      },
      pace: () => void calls.push(`pace ${ready?.() ?? "-"}`),
      stats: () => ({ fps: 30, kbps: 1000 }),
      requestKeyframe: () => void calls.push("kf"),
      setBitrate: (kbps) => Promise.resolve(void calls.push(`bitrate ${kbps}`)),
      setFps: (fps) => Promise.resolve(void calls.push(`fps ${fps}`)),
      createPeer: () => Promise.reject(new Error("no webrtc in this test")),
    },
    desktop,
    hello: () => ({
      t: "hello",
      v: 1,
      width: 1280,
      height: 720,
      fps: 30,
      codec: "avc1.42e01f",
      encoder: "x264enc",
      audio: false,
    }),
    iceServers: [],
    onResized: (size) => void calls.push(`resized ${size.width}x${size.height}`),
  };
  const frame = (key: boolean): MediaFrame => ({
    kind: "video",
    key,
    timestampUs: Date.now() * 1000,
    payload: new Uint8Array([key ? 1 : 0]),
    seq: ++seq,
  });
  return {
    sent,
    calls,
    socket,
    context,
    emit: (f: MediaFrame) => subscriber?.(f),
    frame,
    message: (m: unknown) => onMessage(typeof m === "string" ? m : JSON.stringify(m)),
    subscribed: () => subscriber !== undefined,
    ready: () => ready?.(),
  };
}

Deno.test("a viewer is greeted with hello, then gets video starting at a keyframe", () => {
  const f = fakes();
  attachViewer(f.socket, { viewOnly: false, remote: "t" }, f.context);
  const hello = JSON.parse(f.sent[0] as string);
  assert.equal(hello.t, "hello");
  assert.equal(hello.input, true);
  assert.ok(f.calls.includes("kf"), "a keyframe is requested for the new viewer");
  f.emit(f.frame(false));
  f.emit(f.frame(true));
  f.emit(f.frame(false));
  const media = f.sent.slice(1).map((d) => decodeMediaFrame(d as Uint8Array)!);
  assert.deepEqual(media.map((m) => m.key), [true, false]);
});

Deno.test("input reaches the desktop; malformed and unknown messages are dropped", () => {
  const f = fakes();
  attachViewer(f.socket, { viewOnly: false, remote: "t" }, f.context);
  f.message({ t: "kd", k: 0x68 });
  f.message({ t: "ma", x: 10, y: 20 });
  f.message({ t: "mb", b: 1, d: true });
  f.message("not json");
  f.message({ t: "kd", k: "x" });
  f.message({ t: "explode" });
  f.message({ t: "bitrate", kbps: 3000 });
  assert.deepEqual(f.calls.filter((c) => c !== "kf" && !c.startsWith("pace")), [
    "kd 104",
    "moveTo 10,20",
    "button 1 true",
    "bitrate 3000",
  ]);
});

Deno.test("a view-only viewer cannot send input or change the encoder", () => {
  const f = fakes();
  attachViewer(f.socket, { viewOnly: true, remote: "t" }, f.context);
  assert.equal(JSON.parse(f.sent[0] as string).input, false);
  f.message({ t: "kd", k: 0x68 });
  f.message({ t: "clip", text: "x" });
  f.message({ t: "resize", w: 640, h: 480 });
  f.message({ t: "bitrate", kbps: 3000 });
  f.message({ t: "fps", fps: 10 }); // what adapt.ts sends: only a viewer allowed to change settings adapts
  f.message({ t: "kf" });
  assert.deepEqual(f.calls, ["kf", "kf"]);
});

Deno.test("a slow viewer drops video up to the next keyframe instead of buffering", () => {
  const f = fakes();
  attachViewer(f.socket, { viewOnly: false, remote: "t" }, f.context);
  f.emit(f.frame(true));
  f.socket.buffered = BUFFER_BUDGETS.viewerSoft + 1;
  f.emit(f.frame(false));
  f.socket.buffered = 0;
  f.emit(f.frame(false));
  f.emit(f.frame(true));
  const keys = f.sent.slice(1).map((d) => decodeMediaFrame(d as Uint8Array)!.key);
  assert.deepEqual(keys, [true, true]);
  assert.equal(f.calls.filter((c) => c === "kf").length, 2, "the drop asks for a fresh keyframe");
});

Deno.test("leaving releases pressed keys and stops media", async () => {
  const f = fakes();
  const viewer = attachViewer(f.socket, { viewOnly: false, remote: "t" }, f.context);
  f.socket.close();
  await viewer.closed;
  assert.ok(f.calls.includes("releaseAll"));
  assert.equal(f.subscribed(), false);
});

Deno.test("WebSocket media goes on until the WebRTC peer connects; keyframes go where the browser decodes", async () => {
  const f = fakes();
  let connected = () => {};
  f.context.media.createPeer = (options) => {
    connected = options.onConnected!;
    return Promise.resolve({
      signal: () => {},
      close: () => Promise.resolve(),
      requestKeyframe: () => void f.calls.push("peer kf"),
    });
  };
  attachViewer(f.socket, { viewOnly: false, remote: "t" }, f.context);
  f.message({ t: "webrtc" });
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(f.subscribed(), true, "the WebSocket picture stays while WebRTC negotiates");
  f.emit(f.frame(true));
  assert.equal(f.sent.filter((d) => typeof d !== "string").length, 1, "a keyframe over the WebSocket");
  f.message({ t: "kf" });
  assert.deepEqual(f.calls.filter((c) => c.includes("kf")), ["kf", "peer kf", "kf"]);
  connected();
  assert.equal(f.subscribed(), false, "WebSocket media stops once WebRTC media flows");
  f.message({ t: "kf" });
  assert.deepEqual(f.calls.filter((c) => c.includes("kf")), ["kf", "peer kf", "kf", "peer kf"]);
});

Deno.test("back-to-back webrtc requests make one peer at a time, the latest wins, leaving ends it", async () => {
  const f = fakes();
  let alive = 0;
  let most = 0;
  let made = 0;
  f.context.media.createPeer = async (options) => {
    made++;
    alive++;
    most = Math.max(most, alive);
    await new Promise((r) => setTimeout(r, 5));
    options.onSignal({ t: "sdp", type: "offer", sdp: `offer ${made}` });
    return {
      signal: () => {},
      close: async () => {
        await new Promise((r) => setTimeout(r, 5));
        alive--;
        options.onClose("closed");
      },
      requestKeyframe: () => {},
    };
  };
  const viewer = attachViewer(f.socket, { viewOnly: false, remote: "t" }, f.context);
  for (let i = 0; i < 10; i++) f.message({ t: "webrtc" });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(most, 1, "never two peers of one viewer at once");
  assert.equal(made, 2, "the first request, then only the latest of those that waited");
  assert.equal(alive, 1);
  f.socket.close();
  await viewer.closed;
  assert.equal(alive, 0, "the viewer's peer ended with it");
});

Deno.test("back-to-back resizes run one at a time and the last size wins", async () => {
  const f = fakes();
  let running = 0;
  f.context.desktop.resize = async (width, height) => {
    running++;
    assert.equal(running, 1, "one resize at a time");
    await new Promise((r) => setTimeout(r, 5));
    running--;
    return { width, height };
  };
  const viewer = attachViewer(f.socket, { viewOnly: false, remote: "t" }, f.context);
  for (let i = 1; i <= 10; i++) f.message({ t: "resize", w: 600 + i * 10, h: 400 });
  f.socket.close();
  await viewer.closed;
  assert.deepEqual(f.calls.filter((c) => c.startsWith("resized")), ["resized 610x400", "resized 700x400"]);
});

Deno.test("a peer that ends by itself (never connected, killed) tells the viewer and resumes WebSocket media", async () => {
  const f = fakes();
  let end: (reason: string) => void = () => {};
  f.context.media.createPeer = (options) => {
    end = options.onClose;
    queueMicrotask(() => options.onConnected?.());
    return Promise.resolve({ signal: () => {}, close: () => Promise.resolve(), requestKeyframe: () => {} });
  };
  attachViewer(f.socket, { viewOnly: false, remote: "t" }, f.context);
  f.message({ t: "webrtc" });
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(f.subscribed(), false);
  end("the viewer did not answer and connect within 15 s");
  assert.equal(f.subscribed(), true, "WebSocket media again");
  const errors = f.sent.filter((d) => typeof d === "string").map((d) => JSON.parse(d as string))
    .filter((m) => m.t === "error");
  assert.deepEqual(errors, [{
    t: "error",
    message: "WebRTC ended: the viewer did not answer and connect within 15 s",
  }]);
});

Deno.test("a viewer that acknowledges frames is paced (view-only too): the encoder is held while its window is full", () => {
  const f = fakes();
  const viewer = attachViewer(f.socket, { viewOnly: true, remote: "t" }, f.context);
  f.emit(f.frame(true));
  assert.equal(f.ready(), true, "not paced before its first ack");
  f.message({ t: "ack", seq: 1, ms: 50, drawn: true }); // slower than the frame rate: the smallest window
  f.emit(f.frame(false));
  f.emit(f.frame(false));
  assert.equal(f.ready(), false, "two frames in flight");
  assert.deepEqual(f.calls.filter((c) => c.startsWith("pace")), ["pace false"]);
  f.message({ t: "ack", seq: 3, ms: 50, drawn: true });
  assert.equal(f.ready(), true);
  assert.deepEqual(f.calls.filter((c) => c.startsWith("pace")), ["pace false", "pace true"]);
  const delivery = viewer.delivery();
  assert.equal(delivery?.paced, true);
  assert.equal(delivery?.inFlight, 0);
  f.socket.close();
  assert.equal(viewer.delivery(), undefined, "no WebSocket media, no delivery");
});

Deno.test("a viewer of WebSocket media hears the encoder's rate and its own delivery every second", async () => {
  const f = fakes();
  attachViewer(f.socket, { viewOnly: false, remote: "t" }, f.context);
  await new Promise((r) => setTimeout(r, 1100));
  f.socket.close();
  const stats = f.sent.filter((d) => typeof d === "string").map((d) => JSON.parse(d as string))
    .find((m) => m.t === "stats");
  assert.equal(stats?.fps, 30);
  assert.equal(stats?.delivery?.window, 2);
});

Deno.test("a frame rate or bitrate the encoder refuses is no crash: the viewer hears it, the session goes on", async () => {
  const f = fakes();
  // A faster capture restarts the encoder, which can fail; a worker whose pipe is gone cannot be told.
  f.context.media.setFps = () => Promise.reject(new Error("the media worker did not start"));
  f.context.media.setBitrate = () => Promise.reject(new Error("the worker's pipe is closed"));
  attachViewer(f.socket, { viewOnly: false, remote: "t" }, f.context);
  f.message({ t: "fps", fps: 60 });
  f.message({ t: "bitrate", kbps: 2000 });
  await new Promise((r) => setTimeout(r, 0)); // an unhandled rejection would fail this test here
  const notices = f.sent.filter((m): m is string => typeof m === "string").map((m) => JSON.parse(m))
    .filter((m) => m.t === "notice").map((m) => m.message);
  assert.deepEqual(notices, [
    "The frame rate could not be changed: the media worker did not start",
    "The bitrate could not be changed: the worker's pipe is closed",
  ]);
  f.message({ t: "kd", k: 104 });
  assert.ok(f.calls.includes("kd 104"), "input still works");
});
