/**
 * Before the first picture, a click has no place on the desktop: it is not sent (the desktop would take it
 * wherever its pointer is); keys still are.
 */
import assert from "node:assert/strict";
import { type ClientMessage, parseClientMessage } from "../../protocol/protocol.ts";
import { createStreamerApp, serveStreamer } from "../../streamer/server/mod.ts";
import { waitFor } from "../../tests/fixtures/async.ts";
import { fakeHello, launchChromium, type TestBrowser } from "../../tests/fixtures/client_browser.ts";

const TOKEN = "input-test-secret";

Deno.test({
  name: "a click before the first picture is not sent; typing is",
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const received: ClientMessage[] = [];
  const app = createStreamerApp({
    token: TOKEN,
    viewer(socket) {
      socket.onMessage((data) => {
        const message = typeof data === "string" ? parseClientMessage(data) : undefined;
        if (message) received.push(message);
      });
      socket.send(JSON.stringify(fakeHello({ width: 1000, height: 600 }))); // and never a frame
    },
  });
  const server = await serveStreamer(app, { bind: "127.0.0.1" });
  let chromium: TestBrowser | undefined;
  try {
    chromium = await launchChromium();
    const page = chromium.context.pages()[0];
    await page.goto(`${server.url}?token=${TOKEN}&transport=websocket&resize=off`);
    await page.waitForFunction(() =>
      (globalThis as { selkiesStats?: { connected: boolean } }).selkiesStats
        ?.connected
    );
    await page.mouse.click(300, 200);
    await page.keyboard.press("a");
    await waitFor("a key release", () => received.some((m) => m.t === "ku"));
    const kinds = received.map((m) => m.t);
    assert.ok(!kinds.includes("mb"), `no button without a picture: ${kinds}`);
    assert.ok(kinds.includes("kd"), `keys still go: ${kinds}`);
  } finally {
    await chromium?.close();
    await server.close();
  }
});
