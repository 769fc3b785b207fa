/**
 * End to end in headless Chromium: real H.264 from GStreamer over the streamer's WebSocket, decoded by the
 * client with WebCodecs; input events come back as protocol messages with X coordinates.
 */
import assert from "node:assert/strict";
import {
  type ClientMessage,
  encodeMediaFrame,
  parseClientMessage,
  PROTOCOL_VERSION,
} from "../../protocol/protocol.ts";
import { createStreamerApp, serveStreamer, type ViewerSocket } from "../../streamer/server/mod.ts";
import { waitFor } from "../../tests/fixtures/async.ts";
import {
  fakeHello,
  launchChromium,
  type TestBrowser,
  type Win,
} from "../../tests/fixtures/client_browser.ts";
import { encodeTestPattern } from "../../tests/fixtures/h264.ts";

const TOKEN = "browser-test-secret";

/** GStreamer's SMPTE bars (drawn at full intensity): sample points in a 320x240 frame and their colours. */
const BARS: [string, number, [number, number, number]][] = [
  ["white", 22, [255, 255, 255]],
  ["yellow", 68, [255, 255, 0]],
  ["cyan", 114, [0, 255, 255]],
  ["green", 160, [0, 255, 0]],
  ["magenta", 205, [255, 0, 255]],
  ["red", 251, [255, 0, 0]],
  ["blue", 297, [0, 0, 255]],
];

Deno.test({
  name: "the client decodes real H.264 over the WebSocket and sends input with X coordinates",
  // playwright-core keeps internal pipes and timers beyond the test's own lifetime.
  sanitizeOps: false,
  sanitizeResources: false,
}, async (t) => {
  const temp = await Deno.makeTempDir({ prefix: "selkies-browser-test-" });
  const video = await encodeTestPattern(temp).catch(async (error) => {
    await Deno.remove(temp, { recursive: true });
    throw error;
  });
  const received: ClientMessage[] = [];
  const viewers = new Set<ViewerSocket>();
  const started = new WeakSet<ViewerSocket>();
  /** The protocol version the fake server's `hello` claims. */
  let version = PROTOCOL_VERSION;
  const app = createStreamerApp({
    token: TOKEN,
    viewer(socket) {
      viewers.add(socket);
      socket.onClose(() => viewers.delete(socket));
      socket.onMessage((data) => {
        const message = typeof data === "string" ? parseClientMessage(data) : undefined;
        if (message) received.push(message);
      });
      const hello = fakeHello({
        v: version,
        width: video.width,
        height: video.height,
        codec: video.codec,
        encoder: "x264enc",
      });
      socket.send(JSON.stringify(hello));
    },
  });
  const server = await serveStreamer(app, { bind: "127.0.0.1" });
  let n = 0;
  // Every viewer starts at the next keyframe, as the real media session does.
  const pump = setInterval(() => {
    const unit = video.units[n % video.units.length];
    const frame = encodeMediaFrame({
      kind: "video",
      key: unit.key,
      timestampUs: n * 33_333,
      payload: unit.data,
    });
    for (const socket of viewers) {
      if (!started.has(socket) && !unit.key) continue;
      started.add(socket);
      socket.send(frame);
    }
    n++;
  }, 33);
  let chromium: TestBrowser | undefined;
  try {
    chromium = await launchChromium();
    const page = chromium.context.pages()[0] ?? await chromium.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));

    await t.step("frames decode and the SMPTE bars have their colours", async () => {
      await page.goto(`${server.url}?token=${TOKEN}&transport=websocket`);
      assert.ok(!page.url().includes(TOKEN), "the token left the address bar");
      await page.waitForFunction(() => (globalThis as Win).selkiesStats?.framesDecoded > 15, null, {
        timeout: 15_000,
      });
      const stats = await page.evaluate(() => (globalThis as Win).selkiesStats);
      assert.equal(stats.transport, "websocket");
      assert.equal(stats.width, 320);
      assert.equal(stats.height, 240);
      assert.equal(stats.connected, true);
      for (const [name, x, expected] of BARS) {
        const rgba = await page.evaluate(([x, y]) => (globalThis as Win).selkiesDebug.pixel(x, y), [
          x,
          60,
        ]);
        assert.ok(rgba, "a frame is on the canvas");
        const off = expected.map((c, i) => Math.abs(c - rgba[i]));
        assert.ok(Math.max(...off) <= 40, `${name} bar at x=${x}: got ${rgba}, expected ${expected}`);
      }
      assert.deepEqual(errors, []);
    });

    await t.step("the client asks for a desktop the size of its window", () => {
      assert.ok(
        received.some((m) => m.t === "resize" && m.w === 1000 && m.h === 600),
        JSON.stringify(received),
      );
    });

    await t.step("a key press arrives as keysym down and up", async () => {
      received.length = 0;
      await page.keyboard.press("a");
      await page.keyboard.press("Shift+Enter");
      await waitFor("three key releases", () => received.filter((m) => m.t === "ku").length >= 3);
      const keys = received.filter((m) => m.t === "kd" || m.t === "ku");
      assert.deepEqual(keys, [
        { t: "kd", k: 0x61 },
        { t: "ku", k: 0x61 },
        { t: "kd", k: 0xffe1 },
        { t: "kd", k: 0xff0d },
        { t: "ku", k: 0xff0d },
        { t: "ku", k: 0xffe1 },
      ]);
    });

    await t.step("a click through the letterbox lands on the right X pixel", async () => {
      received.length = 0;
      // 320x240 in a 1000x600 window: scaled 2.5x, 100 px black bars left and right.
      await page.mouse.click(100 + 2.5 * 100, 2.5 * 50);
      await waitFor("a button release", () => received.some((m) => m.t === "mb" && !m.d));
      const pointer = received.filter((m) => m.t === "ma" || m.t === "mb");
      assert.deepEqual(pointer.find((m) => m.t === "ma"), { t: "ma", x: 100, y: 50 });
      assert.deepEqual(pointer.filter((m) => m.t === "mb"), [{ t: "mb", b: 1, d: true }, {
        t: "mb",
        b: 1,
        d: false,
      }]);
      const lastMoveBeforePress = pointer.slice(0, pointer.findIndex((m) => m.t === "mb")).at(-1);
      assert.deepEqual(lastMoveBeforePress, { t: "ma", x: 100, y: 50 });
    });

    await t.step("the wheel scrolls in steps and losing focus releases everything", async () => {
      received.length = 0;
      await page.mouse.wheel(0, 300);
      await page.evaluate(() => globalThis.dispatchEvent(new Event("blur")));
      await waitFor("a reset", () => received.some((m) => m.t === "reset"));
      const steps = received.filter((m) => m.t === "mw").reduce(
        (sum, m) => sum + (m.t === "mw" ? m.dy : 0),
        0,
      );
      assert.equal(steps, 3);
    });

    await t.step(
      "clipboard and cursor from the desktop show up; a paste goes to the desktop first",
      async () => {
        for (const socket of viewers) {
          socket.send(JSON.stringify({ t: "clip", text: "from the desktop" }));
          socket.send(JSON.stringify({ t: "cursor", png: "iVBORw0KGgo=", w: 16, h: 16, hx: 3, hy: 4 }));
        }
        await page.waitForFunction(() =>
          (document.getElementById("clip-text") as HTMLTextAreaElement).value === "from the desktop"
        );
        const cursor = await page.evaluate(() => document.getElementById("stage")!.style.cursor);
        assert.match(cursor, /^url\("data:image\/png;base64,iVBORw0KGgo="\) 3 4, auto$/);
        received.length = 0;
        await page.evaluate(() => {
          const data = new DataTransfer();
          data.setData("text/plain", "from the browser");
          document.getElementById("stage")!.dispatchEvent(
            new ClipboardEvent("paste", { clipboardData: data, bubbles: true }),
          );
        });
        await waitFor("a clipboard message", () => received.some((m) => m.t === "clip"));
        assert.deepEqual(received.find((m) => m.t === "clip"), { t: "clip", text: "from the browser" });
      },
    );

    await t.step("auto mode falls back to the WebSocket when WebRTC gets no answer", async () => {
      received.length = 0;
      await page.goto(server.url);
      await waitFor("a webrtc request", () => received.some((m) => m.t === "webrtc"));
      await page.waitForFunction(
        () => /fallback/.test((globalThis as Win).selkiesStats?.transportReason ?? ""),
        null,
        { timeout: 10_000 },
      );
      const before = await page.evaluate(() => (globalThis as Win).selkiesStats.framesDecoded);
      await page.waitForFunction((b) => (globalThis as Win).selkiesStats.framesDecoded > b + 10, before, {
        timeout: 10_000,
      });
      assert.equal(await page.evaluate(() => (globalThis as Win).selkiesStats.transport), "websocket");
    });

    await t.step(
      "a server speaking another protocol version gets a clear message, not a broken page",
      async () => {
        version = PROTOCOL_VERSION + 1;
        received.length = 0;
        await page.goto(`${server.url}?transport=websocket`);
        await page.waitForFunction(
          () => /protocol version/.test((globalThis as Win).selkiesStats?.lastError),
          null,
          { timeout: 10_000 },
        );
        const stats = await page.evaluate(() => (globalThis as Win).selkiesStats);
        assert.match(
          stats.lastError,
          new RegExp(
            `version ${PROTOCOL_VERSION}, the session speaks ${PROTOCOL_VERSION + 1}: reload the page`,
          ),
        );
        assert.match(await page.locator("#message").innerText(), /reload the page/);
        await page.waitForFunction(() => !(globalThis as Win).selkiesStats.connected);
        assert.equal(stats.framesDecoded, 0, "nothing of the other version was decoded");
        assert.ok(!received.some((m) => m.t === "resize"), "nor was the desktop resized");
      },
    );
  } finally {
    clearInterval(pump);
    await chromium?.close();
    await server.close();
    await Deno.remove(temp, { recursive: true });
  }
});
