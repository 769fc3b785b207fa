/**
 * The hybrid encoding end to end: a real session (Xvfb, the media worker's grabber, planner, libwebp,
 * libjpeg-turbo and x264) viewed by headless Chromium over the WebSocket. Scrolls arrive as copies, changes as
 * tiles, full-screen motion as video, and once the screen is still the page's canvas is the X screen, pixel
 * for pixel.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { delay } from "./fixtures/async.ts";
import type { Win } from "./fixtures/client_browser.ts";
import { startViewedSession } from "./fixtures/session.ts";
import { launchBrowser } from "./fixtures/browser.ts";
import { startGatewaySite, streamThroughGateway } from "./harness/gateway.ts";
import { ScreenGrabber } from "../streamer/x11/grabber.ts";
import type { DrawnOps } from "../web/client/screen_updates.ts";

const GEOMETRY = "1024x640";

/** FNV-1a of each row's RGB bytes: rows of `data` laid out as BGRX (X) or RGBA (canvas). */
function rowHashes(data: Uint8Array, width: number, height: number, stride: number, bgr: boolean): number[] {
  const hashes: number[] = [];
  for (let y = 0; y < height; y++) {
    let h = 0x811c9dc5;
    for (let x = 0; x < width; x++) {
      const i = y * stride + x * 4;
      const [r, g, b] = bgr ? [data[i + 2], data[i + 1], data[i]] : [data[i], data[i + 1], data[i + 2]];
      for (const v of [r, g, b]) h = Math.imul(h ^ v, 0x01000193) >>> 0;
    }
    hashes.push(h);
  }
  return hashes;
}

/** The page's canvas as RGBA bytes (base64 across the page boundary). */
async function canvasPixels(page: Page): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { b64, width, height } = await page.evaluate(() => {
    const canvas = document.querySelector("canvas")!;
    const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    let text = "";
    for (let i = 0; i < data.length; i += 0x8000) {
      text += String.fromCharCode(...data.subarray(i, i + 0x8000));
    }
    return { b64: btoa(text), width: canvas.width, height: canvas.height };
  });
  return { data: Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), width, height };
}

/**
 * Waits (`ms` at most) until the canvas equals the X screen exactly; fails with the first rows that differ
 * and an example pixel.
 */
async function expectExact(page: Page, grabber: ScreenGrabber, ms: number): Promise<number> {
  const start = performance.now();
  let detail = "";
  while (performance.now() - start < ms) {
    const frame = await grabber.grab();
    const x = rowHashes(frame.data, frame.width, frame.height, frame.stride, true);
    const canvas = await canvasPixels(page);
    if (canvas.width === frame.width && canvas.height === frame.height) {
      const c = rowHashes(canvas.data, canvas.width, canvas.height, canvas.width * 4, false);
      const rows = x.flatMap((h, y) => h === c[y] ? [] : [y]);
      if (!rows.length) return performance.now() - start;
      const y = rows[0];
      const col = [...Array(frame.width).keys()].find((i) =>
        [2, 1, 0].some((k, j) =>
          frame.data[y * frame.stride + i * 4 + k] !== canvas.data[(y * canvas.width + i) * 4 + j]
        )
      )!;
      const at = y * frame.stride + col * 4, ct = (y * canvas.width + col) * 4;
      detail = `${rows.length} rows differ (first ${y}); at (${col},${y}) X has ` +
        `${[frame.data[at + 2], frame.data[at + 1], frame.data[at]]}, the page ${[
          ...canvas.data.subarray(ct, ct + 3),
        ]}`;
    } else detail = `canvas ${canvas.width}x${canvas.height}, screen ${frame.width}x${frame.height}`;
    await delay(100);
  }
  assert.fail(`the page is not the X screen after ${ms} ms: ${detail}`);
}

/** A hybrid session of GEOMETRY showing `desktop`, its page, and a grabber of its X screen to compare with. */
async function hybridSession(desktop: string) {
  const viewed = await startViewedSession({ desktop, geometry: GEOMETRY, encoding: "hybrid" });
  const env = viewed.session.display.env;
  const grabber = await ScreenGrabber.open({ display: env.DISPLAY, xauthority: env.XAUTHORITY });
  return { ...viewed, grabber };
}

const ops = (page: Page) =>
  page.evaluate(() => (globalThis as Win).selkiesStats.screenOps) as Promise<DrawnOps>;

Deno.test("hybrid encoding: copies, tiles, video and lossless refinement reach Chromium exactly", async (t) => {
  // No window manager: an xterm filling the screen, printing syntax-coloured lines when asked (the .go file:
  // typing the command in would race the pointer that gives the xterm its focus), 50 a second: it scrolls.
  const script = await Deno.makeTempFile({ prefix: "selkies-hybrid-", suffix: ".sh" });
  await Deno.writeTextFile(
    script,
    `while [ ! -e ${script}.go ]; do sleep 0.1; done\n` +
      `for i in $(seq 1 120); do printf '\\033[3%dmdef line_%03d(x): \\033[0mreturn \\033[1;34m"%s"\\033[0m\\n' ` +
      `$((i % 7 + 1)) $i "$(head -c $((i % 60 + 1)) /dev/zero | tr '\\0' 'x')"; sleep 0.02; done\n` +
      `touch ${script}.done; exec sleep 600\n`,
  );
  const desktop =
    `exec xterm -geometry 168x48+0+0 -bg '#1d1f21' -fg '#c5c8c6' -xrm 'XTerm*cursorBlink: false' -e sh ${script}`;
  const { session, page, stop, grabber } = await hybridSession(desktop);
  try {
    await t.step("the page draws the session's screen updates", async () => {
      await page.goto(`${session.url}&transport=websocket&resize=off`);
      await page.waitForFunction(() => (globalThis as Win).selkiesStats?.framesDecoded >= 1, null, {
        timeout: 20_000,
      });
      const ms = await expectExact(page, grabber, 5000);
      console.log(`first picture exact after ${ms.toFixed(0)} ms`);
    });

    await t.step(
      "coloured text scrolling arrives as copies and lossless tiles, exact once still",
      async () => {
        const before = await ops(page);
        await Deno.writeTextFile(`${script}.go`, "");
        for (let i = 0; i < 200 && !(await Deno.stat(`${script}.done`).catch(() => null)); i++) {
          await delay(100);
        }
        const ms = await expectExact(page, grabber, 5000);
        const after = await ops(page);
        console.log(`still text exact ${ms.toFixed(0)} ms after the output ended; ops`, after);
        assert.ok(after.copy > before.copy, "the scroll came as copies");
        assert.ok(after.lossless > before.lossless, "text came as lossless tiles");
      },
    );

    await t.step("full-screen motion switches to video, and back to exact tiles when it stops", async () => {
      const before = await ops(page);
      const motion = new Deno.Command("gst-launch-1.0", {
        args: [
          "-q",
          "videotestsrc",
          "pattern=smpte",
          "horizontal-speed=8",
          "!",
          "video/x-raw,width=1024,height=640,framerate=30/1",
          "!",
          "ximagesink",
        ],
        env: session.display.env,
        stdout: "null",
        stderr: "null",
      }).spawn();
      try {
        await page.waitForFunction(
          (n) => (globalThis as Win).selkiesStats.screenOps.video > n + 10,
          before.video,
          { timeout: 15_000 },
        );
      } finally {
        motion.kill("SIGTERM");
        await motion.status;
      }
      await delay(300);
      const ms = await expectExact(page, grabber, 5000);
      console.log(`exact again ${ms.toFixed(0)} ms after the motion ended; ops`, await ops(page));
    });
  } finally {
    await grabber.close();
    await stop();
    for (const path of [script, `${script}.go`, `${script}.done`]) await Deno.remove(path).catch(() => {});
  }
});

Deno.test("hybrid encoding: a movie in a window is region video, the still desktop tiles, exact once it stops", async () => {
  // The benchmark's window content: a panning texture over ~40 % of the screen next to a still terminal,
  // with the time code changing at 60 Hz in the corner, until the .stop file appears.
  const stamp = new URL("../bench/content/stamp.ts", import.meta.url).pathname;
  const stopFile = await Deno.makeTempFile({ prefix: "selkies-hybrid-window-" });
  await Deno.remove(stopFile);
  const desktop = `'${Deno.execPath()}' run -A --no-config '${stamp}' window & pid=$!; ` +
    `while [ ! -e ${stopFile} ]; do sleep 0.1; done; kill $pid; wait $pid; exec sleep 600`;
  const { session, page, stop, grabber } = await hybridSession(desktop);
  try {
    // Where the page draws decoded video (test code watching the canvas, not the client's).
    await page.addInitScript(() => {
      const drawn: number[][] = (globalThis as unknown as { videoDraws: number[][] }).videoDraws = [];
      const draw = CanvasRenderingContext2D.prototype.drawImage as (...a: unknown[]) => void;
      CanvasRenderingContext2D.prototype.drawImage = function (
        this: CanvasRenderingContext2D,
        ...a: unknown[]
      ) {
        if (a[0] instanceof VideoFrame) drawn.push((a as number[]).slice(1, 5));
        return draw.apply(this, a);
      } as typeof CanvasRenderingContext2D.prototype.drawImage;
    });
    await page.goto(`${session.url}&transport=websocket&resize=off`);
    await page.waitForFunction(
      () => ((globalThis as unknown as { videoDraws: number[][] }).videoDraws ?? []).length >= 20,
      null,
      { timeout: 30_000 },
    );
    const draws = await page.evaluate(() => (globalThis as unknown as { videoDraws: number[][] }).videoDraws);
    // The page's counts of what it drew are published once a second (the stats loop): wait for them to
    // include the video, or 20 draws within the first second read as nothing drawn at all.
    await page.waitForFunction(() => (globalThis as Win).selkiesStats.screenOps.video > 0, null, {
      timeout: 10_000,
    });
    const during = await ops(page);
    await Deno.writeTextFile(stopFile, "");
    const [width, height] = GEOMETRY.split("x").map(Number);
    const regions = new Set(draws.map((d) => d.join(",")));
    console.log(`video drawn at ${[...regions].join(" | ")}; ops while it played`, during);
    // Region video: smaller than the screen, on whole 64 px tiles, holding the movie (355,175 645x403).
    for (const [x, y, w, h] of draws) {
      assert.ok(w < width && h < height, `video at ${x},${y} ${w}x${h} is a region`);
      assert.ok(x % 64 === 0 && y % 64 === 0 && x <= 355 && y <= 175 && x + w >= 1000 && y + h >= 578);
    }
    assert.ok(regions.size <= 3, "the region holds still");
    assert.ok(during.fill + during.lossless > 0, "the time code and the desktop as tiles");
    // Once still, the region's tiles are refined: the page is the X screen.
    const ms = await expectExact(page, grabber, 8000);
    console.log(`exact ${ms.toFixed(0)} ms after the movie stopped; ops`, await ops(page));
  } finally {
    await grabber.close();
    await stop();
    await Deno.remove(stopFile).catch(() => {});
  }
});

Deno.test({
  name: "hybrid encoding through the gateway's tunnel: the page is the X screen, pixel for pixel",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using site = await startGatewaySite();
    const { cluster, gateway: gw } = site;
    const cleanups: (() => Promise<unknown> | unknown)[] = [];
    try {
      // The desktop says where it runs, so this test can read the X screen the viewer should see.
      const where = await Deno.makeTempFile({ prefix: "selkies-hybrid-display-" });
      cleanups.push(() => Deno.remove(where));
      // Once told (the .go file), the terminal prints 300 coloured lines, 50 a second: it scrolls.
      const script = `${where}.sh`;
      await Deno.writeTextFile(
        script,
        `while [ ! -e ${where}.go ]; do sleep 0.1; done\n` +
          `for i in $(seq 1 300); do printf '\\033[3%dm%05d \\033[0m%s\\n' $((i % 7 + 1)) $i "$(ls /usr/bin | sed -n "$i,+8p" | tr '\\n' ' ')"; sleep 0.02; done\n` +
          `touch ${where}.done; sleep 600\n`,
      );
      cleanups.push(() => Deno.remove(script));
      const stream = await streamThroughGateway(cluster, gw.url, {
        geometry: "800x480",
        args: ["--encoding", "hybrid"],
        desktop: `echo "$DISPLAY $XAUTHORITY" > ${where}; ` +
          `exec xterm -geometry 130x36+0+0 -bg '#1d1f21' -fg '#c5c8c6' -e sh ${script}`,
      });
      cleanups.push(() => stream.stop());
      assert.ok(stream.url.startsWith(gw.url), `the session is reached through the gateway: ${stream.url}`);
      const [display, xauthority] = (await Deno.readTextFile(where)).trim().split(" ");
      const grabber = await ScreenGrabber.open({ display, xauthority });
      cleanups.push(() => grabber.close());
      const browser = await launchBrowser({ viewport: { width: 800, height: 480 } });
      cleanups.push(() => browser.close());
      const page = await browser.context.newPage();
      await page.goto(`${stream.url}&transport=websocket&resize=off`);
      await page.waitForFunction(() => (globalThis as Win).selkiesStats?.framesDecoded >= 1, null, {
        timeout: 20_000,
      });
      await Deno.writeTextFile(`${where}.go`, "");
      cleanups.push(() => Deno.remove(`${where}.go`));
      // The output has ended: from here the screen is still, and the page must become its exact copy.
      for (let i = 0; i < 200 && !(await Deno.stat(`${where}.done`).catch(() => null)); i++) await delay(100);
      cleanups.push(() => Deno.remove(`${where}.done`).catch(() => {}));
      const ms = await expectExact(page, grabber, 8000);
      const drawn = await ops(page);
      console.log(
        `through the gateway: exact ${ms.toFixed(0)} ms after the output ended; ops`,
        drawn,
      );
      assert.ok(drawn.lossless > 0, "text came as lossless tiles");
      // Copies here; on a loaded box (one clean-clone CI run) the planner took the fast scroll for motion and
      // sent video, then refined the still text: the page must be exact either way.
      assert.ok(drawn.copy + drawn.video > 0, "the scroll arrived as copies or as video");
    } finally {
      for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(console.error);
    }
  },
});
