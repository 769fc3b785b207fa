/**
 * A view-only viewer on a touch screen sends no input: taps, long presses, drags and two-finger scrolls stay
 * in the page, the key bar stays hidden, and pinching still zooms its view. The same gestures on a viewer that
 * may control send their messages (so the first half cannot pass by sending nothing at all). Real page,
 * server and WebSocket; a fake streamer whose picture is one screen update.
 */
import assert from "node:assert/strict";
import type { CDPSession, Page } from "playwright-core";
import { type ClientMessage, encodeMediaFrame, parseClientMessage } from "../../protocol/protocol.ts";
import { SCREEN_CODEC, ScreenUpdateWriter } from "../../protocol/screen_update.ts";
import { createStreamerApp, serveStreamer } from "../../streamer/server/mod.ts";
import { delay, waitFor } from "../../tests/fixtures/async.ts";
import { fakeHello, launchChromium, type TestBrowser } from "../../tests/fixtures/client_browser.ts";

const TOKEN = "touch-test-secret";
const INPUT = new Set(["kd", "ku", "ma", "mr", "mb", "mw", "reset"]);

type Finger = [number, number];

async function touch(cdp: CDPSession, type: "touchStart" | "touchMove" | "touchEnd", fingers: Finger[]) {
  await cdp.send("Input.dispatchTouchEvent", {
    type,
    touchPoints: fingers.map(([x, y], id) => ({ x, y, id })),
  });
}

/** A tap, a long press, a drag, a two-finger scroll and a pinch (3x about the middle), in that order. */
async function gestures(cdp: CDPSession) {
  await touch(cdp, "touchStart", [[100, 300]]);
  await touch(cdp, "touchEnd", []);
  await touch(cdp, "touchStart", [[200, 500]]);
  await delay(700);
  await touch(cdp, "touchEnd", []);
  await touch(cdp, "touchStart", [[50, 200]]);
  for (let i = 1; i <= 5; i++) await touch(cdp, "touchMove", [[50 + i * 20, 200 + i * 20]]);
  await touch(cdp, "touchEnd", []);
  await touch(cdp, "touchStart", [[150, 600], [250, 600]]);
  for (let i = 1; i <= 5; i++) await touch(cdp, "touchMove", [[150, 600 - i * 40], [250, 600 - i * 40]]);
  await touch(cdp, "touchEnd", []);
  await touch(cdp, "touchStart", [[145, 422], [245, 422]]);
  for (let i = 1; i <= 5; i++) await touch(cdp, "touchMove", [[145 - i * 20, 422], [245 + i * 20, 422]]);
  await touch(cdp, "touchEnd", []);
}

const canvasTransform = (page: Page) =>
  page.evaluate(() => document.getElementById("canvas")!.style.transform);

Deno.test({
  name: "a view-only viewer's touches send nothing but still zoom its view; a controlling viewer's do send",
  sanitizeOps: false, // playwright-core keeps internal pipes and timers beyond the test's own lifetime.
  sanitizeResources: false,
}, async (t) => {
  const received: ClientMessage[] = [];
  let input = false;
  const app = createStreamerApp({
    token: TOKEN,
    viewer(socket) {
      socket.onMessage((data) => {
        const message = typeof data === "string" ? parseClientMessage(data) : undefined;
        if (message && INPUT.has(message.t)) received.push(message);
      });
      socket.send(JSON.stringify(fakeHello({ width: 390, height: 844, codec: SCREEN_CODEC, input })));
      const payload = new ScreenUpdateWriter().add({ op: "size", width: 390, height: 844 })
        .add({ op: "fill", x: 0, y: 0, w: 390, h: 844, rgb: [30, 60, 90] }).finish();
      socket.send(encodeMediaFrame({ kind: "video", key: true, seq: 0, timestampUs: 0, payload }));
    },
  });
  const server = await serveStreamer(app, { bind: "127.0.0.1" });
  let chromium: TestBrowser | undefined;
  try {
    chromium = await launchChromium();
    const page = chromium.context.pages()[0] ?? await chromium.context.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setDeviceMetricsOverride", {
      width: 390,
      height: 844,
      deviceScaleFactor: 3,
      mobile: true,
    });
    await cdp.send("Emulation.setTouchEmulationEnabled", { enabled: true, maxTouchPoints: 5 });
    const open = async () => {
      await page.goto(`${server.url}?token=${TOKEN}&transport=websocket&resize=off`);
      await page.waitForFunction(() =>
        (document.getElementById("canvas") as HTMLCanvasElement).width === 390
      );
    };

    await t.step("view-only: no input message, no key bar, the pinch zooms the view", async () => {
      await open();
      await gestures(cdp);
      await page.waitForFunction(() => document.getElementById("canvas")!.style.transform.includes("scale"));
      await delay(500); // Anything sent would have arrived by now (the controlling half shows it does).
      assert.deepEqual(received, []);
      assert.equal(await page.locator("#touch-bar").isVisible(), false);
      assert.match(await canvasTransform(page), /scale\(3/);
    });

    await t.step("the same gestures from a viewer that may control are sent", async () => {
      input = true;
      await open();
      assert.equal(await page.locator("#touch-bar").isVisible(), true);
      await gestures(cdp);
      await waitFor("the wheel steps", () => received.some((m) => m.t === "mw"));
      const kinds = received.map((m) => m.t === "mb" ? `mb${m.b}${m.d ? "+" : "-"}` : m.t);
      for (const kind of ["ma", "mb1+", "mb1-", "mb3+", "mb3-", "mw"]) {
        assert.ok(kinds.includes(kind), `no ${kind} in ${kinds}`);
      }
      assert.match(await canvasTransform(page), /scale\(3/);
    });

    await t.step(
      "a held finger is a right click while still down, even if the timer fires early",
      async () => {
        // setTimeout may truncate the fractional delay and fire on the millisecond: this page's fires a
        // millisecond early, which before the fix left the long press waiting for a touch that never came.
        await page.addInitScript(() => {
          const setTimer = globalThis.setTimeout;
          globalThis.setTimeout = ((run: () => void, ms = 0) =>
            setTimer(run, ms >= 100 ? ms - 1 : ms)) as typeof setTimeout;
        });
        await open();
        received.length = 0;
        await touch(cdp, "touchStart", [[200, 500]]);
        try {
          await waitFor(
            "a right click with the finger down",
            () => received.some((m) => m.t === "mb" && m.b === 3),
          );
        } finally {
          await touch(cdp, "touchEnd", []);
        }
      },
    );
  } finally {
    await chromium?.close();
    await server.close();
  }
});
