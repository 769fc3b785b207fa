/**
 * While WebRTC negotiates (slow on a first open: a cold worker start, relays through the gateway), the page
 * shows the desktop, changes included, over the WebSocket, and a click in that time lands where it was made.
 * The WebRTC offer is held back here to make that window long and certain.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { delay } from "./fixtures/async.ts";
import type { Win } from "./fixtures/client_browser.ts";
import { runX, startViewedSession } from "./fixtures/session.ts";

const HOLD_OFFER_MS = 2500; // well inside the client's 5 s WebRTC deadline (auto falls back after it)
const RED = [0xc0, 0x30, 0x30];

/** The colour the page shows at (x, y), read from a screenshot (what the user sees, whatever element). */
async function visiblePixel(page: Page, x: number, y: number): Promise<number[]> {
  const png = await page.screenshot({ clip: { x, y, width: 1, height: 1 } });
  const b64 = btoa(String.fromCharCode(...png));
  return await page.evaluate(async (data) => {
    const blob = new Blob([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], { type: "image/png" });
    const canvas = new OffscreenCanvas(1, 1);
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(await createImageBitmap(blob), 0, 0);
    return [...ctx.getImageData(0, 0, 1, 1).data];
  }, b64);
}

function near(actual: number[], expected: number[]): boolean {
  return [0, 1, 2].every((i) => Math.abs(actual[i] - expected[i]) <= 40);
}

Deno.test("the desktop shows and takes clicks while WebRTC is still negotiating", async () => {
  // An idle screen (damage-gated: one keyframe per new viewer, then nothing) in one known colour.
  const desktop = "xsetroot -solid '#3060c0' && exec sleep 600";
  const { session, page, stop } = await startViewedSession({ desktop });
  try {
    let offerHeld = false;
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => server.send(message));
      server.onMessage((message) => {
        if (typeof message === "string" && message.startsWith('{"t":"sdp"')) {
          offerHeld = true;
          setTimeout(() => ws.send(message), HOLD_OFFER_MS);
        } else {
          ws.send(message);
        }
      });
    });
    const opened = Date.now();
    await page.goto(`${session.url}&transport=auto&resize=off`);

    while (!offerHeld && Date.now() - opened < 15_000) await delay(20);
    assert.ok(offerHeld, "the page asked for WebRTC at once");
    // The desktop changes while WebRTC negotiates: the page must show the change (the WebSocket picture
    // goes on until WebRTC media flows), not a black or frozen first frame.
    const held = Date.now();
    await runX(session, "xsetroot", "-solid", "#c03030");
    let seen = await visiblePixel(page, 640, 360);
    while (!near(seen, RED) && Date.now() - held < HOLD_OFFER_MS - 500) {
      seen = await visiblePixel(page, 640, 360);
    }
    assert.ok(near(seen, RED), `the change is visible before WebRTC is up, saw ${seen}`);
    assert.notEqual(await page.evaluate(() => (globalThis as Win).selkiesStats.transport), "webrtc");

    await page.mouse.click(321, 123);
    await delay(300);
    assert.match(
      await runX(session, "xdotool", "getmouselocation"),
      /^x:321 y:123 /,
      "the click landed where it was made",
    );

    await page.waitForFunction(() => (globalThis as Win).selkiesStats.transport === "webrtc", null, {
      timeout: 20_000,
    });
    assert.ok(near(await visiblePixel(page, 640, 360), RED), "and WebRTC shows it too");
  } finally {
    await stop();
  }
});
