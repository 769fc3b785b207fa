/**
 * The job's clock in headless Chromium, against a scripted streamer: the countdown follows the streamer's
 * clock (not the browser's), a warning shows at the site's threshold and on a notice, a moved end time moves
 * the countdown, the end message shows the end screen and stops reconnecting; a socket that keeps dropping
 * without one ends in the "connection lost" screen after `?giveup=`, and the reconnecting stops there.
 */
import assert from "node:assert/strict";
import type { ServerMessage } from "../../protocol/protocol.ts";
import { createStreamerApp, serveStreamer, type ViewerSocket } from "../../streamer/server/mod.ts";
import { delay, waitFor } from "../../tests/fixtures/async.ts";
import { fakeHello, launchChromium, type TestBrowser } from "../../tests/fixtures/client_browser.ts";

const TOKEN = "job-banner-test-secret";
/** The streamer's clock runs an hour ahead of the browser's: the page must count on the streamer's. */
const SKEW_MS = 3_600_000;

/** A scripted streamer: `onViewer` decides what each new viewer hears (`hello` first, for a desktop that answers). */
async function fakeStreamer(onViewer: (socket: ViewerSocket, n: number) => void) {
  let viewers = 0;
  const app = createStreamerApp({
    token: TOKEN,
    viewer: (socket) => onViewer(socket, ++viewers),
  });
  const server = await serveStreamer(app, { bind: "127.0.0.1" });
  return { server, viewers: () => viewers };
}

const send = (socket: ViewerSocket, message: ServerMessage) => socket.send(JSON.stringify(message));
const text = (page: import("playwright-core").Page, selector: string) =>
  page.evaluate((s) => {
    const element = document.querySelector<HTMLElement>(s);
    return element && !element.hidden ? element.textContent : null;
  }, selector);

Deno.test({
  name:
    "countdown on the streamer's clock, warnings, a moved limit, and the end screen instead of reconnecting",
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  let viewer: ViewerSocket | undefined;
  const { server, viewers } = await fakeStreamer((socket) => {
    viewer = socket;
    send(socket, fakeHello({ width: 1000, height: 600 }));
    const now = Date.now() + SKEW_MS;
    // 4.5 minutes left on the streamer's clock; thresholds 15 and 5 minutes.
    send(socket, {
      t: "job",
      id: "42",
      node: "gpu01",
      endsAt: now + 270_000,
      warnMinutes: [15, 5],
      sentAt: now,
    });
  });
  let chromium: TestBrowser | undefined;
  try {
    chromium = await launchChromium();
    const page = chromium.context.pages()[0];
    await page.goto(`${server.url}?token=${TOKEN}&transport=websocket&resize=off`);
    // Counted from the streamer's clock: ~4:29, where the browser's own clock would say the job ended.
    await page.waitForFunction(() =>
      /^4:[0-2]\d left$/.test(document.getElementById("time-left")?.textContent ?? "")
    );
    assert.ok(await page.evaluate(() => document.getElementById("time-left")!.classList.contains("urgent")));
    // Both thresholds are behind: one warning, of the time really left.
    assert.match((await text(page, "#job-warning")) ?? "", /About [45] minutes left .* save your work/);
    await page.click("#job-warning button");
    assert.equal(await text(page, "#job-warning"), null);

    // An admin gave the job 20 more minutes: the countdown moves, and the 15-minute warning is ahead again.
    const now = Date.now() + SKEW_MS;
    send(viewer!, {
      t: "job",
      id: "42",
      node: "gpu01",
      endsAt: now + 20 * 60_000,
      warnMinutes: [15, 5],
      sentAt: now,
    });
    await page.waitForFunction(() =>
      /^(19:5\d|20:00) left$/.test(document.getElementById("time-left")?.textContent ?? "")
    );
    assert.equal(await text(page, "#job-warning"), null, "20 minutes left is before every threshold");
    // SLURM's USR1 notice shows as a warning too.
    send(viewer!, {
      t: "notice",
      message: "This session's time limit is near (about 5 min left): save your work.",
    });
    await page.waitForFunction(() => !document.getElementById("job-warning")!.hidden);
    assert.match((await text(page, "#job-warning"))!, /time limit is near \(about 5 min left\)/);

    // The session ends: the end screen names the walltime, and the page does not reconnect.
    send(viewer!, { t: "end", reason: "walltime", message: "Job 42 reached its time limit of 02:00:00." });
    viewer!.close(1001, "the session is ending");
    await page.waitForFunction(() => !document.getElementById("end-screen")!.hidden);
    assert.equal(await text(page, "#end-screen h1"), "Session ended: the job reached its time limit");
    assert.equal(await text(page, "#end-screen p"), "Job 42 reached its time limit of 02:00:00.");
    assert.equal(await text(page, "#time-left"), null, "no countdown once the session has ended");
    await delay(3000); // three times the first reconnect's delay
    assert.equal(viewers(), 1, "an ended session is not reconnected to");
  } finally {
    await chromium?.close();
    await server.close();
  }
});

Deno.test({
  name:
    "a socket that keeps dropping without an end message ends in the connection-lost screen after ?giveup=",
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  // Every viewer after the first is dropped at once, unanswered, as by a proxy whose streamer vanished.
  const { server, viewers } = await fakeStreamer((socket, n) => {
    if (n === 1) {
      send(socket, fakeHello({ width: 1000, height: 600 }));
      send(socket, { t: "job", id: "42", node: "gpu01", warnMinutes: [15, 5], sentAt: Date.now() });
      setTimeout(() => socket.close(1012, "streamer disconnected"), 500);
    } else socket.close(1012, "streamer disconnected");
  });
  let chromium: TestBrowser | undefined;
  try {
    chromium = await launchChromium();
    const page = chromium.context.pages()[0];
    const opened = Date.now();
    await page.goto(`${server.url}?token=${TOKEN}&transport=websocket&resize=off&giveup=6`);
    assert.equal(await text(page, "#time-left"), null, "no end time (a job without a limit): no countdown");
    await waitFor("more than one attempt to reconnect", () => viewers() >= 3, { timeoutMs: 15_000 });
    assert.equal(
      await page.evaluate(() => document.getElementById("end-screen")!.hidden),
      true,
      "still trying",
    );
    await page.waitForFunction(() => !document.getElementById("end-screen")!.hidden, null, {
      timeout: 30_000,
    });
    assert.ok(Date.now() - opened >= 6000, "not before ?giveup=6 seconds");
    assert.equal(await text(page, "#end-screen h1"), "Connection lost");
    assert.match((await text(page, "#end-screen p"))!, /not answered for 6 s.*selkies-hpc status 42/);
    const attempts = viewers();
    await delay(12_000); // longer than the longest backoff (10 s)
    assert.equal(viewers(), attempts, "the page stopped reconnecting when it gave up");
  } finally {
    await chromium?.close();
    await server.close();
  }
});
