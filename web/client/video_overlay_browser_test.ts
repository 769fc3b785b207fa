/**
 * The video overlay (VideoOverlay) in headless Chromium, through the H.264 path (WebCodecsVideo) and the
 * hybrid compositor (ScreenUpdates), bundled into a bare page: frames are shown by a `<video>` over the
 * canvas, acknowledged as drawn, and the hybrid canvas gets the overlay's picture back before it paints
 * anything else on top of it.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { SCREEN_CODEC, type ScreenOp, ScreenUpdateWriter } from "../../protocol/screen_update.ts";
import { waitFor } from "../../tests/fixtures/async.ts";
import { launchChromium, type TestBrowser } from "../../tests/fixtures/client_browser.ts";
import { encodeTestPattern } from "../../tests/fixtures/h264.ts";

type Rgb = [number, number, number];
/** What the test page puts on its window (ENTRY). */
interface Sink {
  readonly picture: HTMLElement;
  configure(codec: string): void;
  push(frame: unknown): void;
  close(): void;
}
type G = typeof globalThis & {
  acks: { seq?: number; drawn?: boolean; error?: string }[];
  frames: Sink;
  screen: Sink;
  frame(seq: number, key: boolean, data: string): unknown;
};
/** SMPTE bars of x264's test pattern (as in browser_test.ts): columns away from the bars' edges. */
const BARS: [number, Rgb][] = [[22, [255, 255, 255]], [114, [0, 255, 255]], [205, [255, 0, 255]]];

const ENTRY = `
import { WebCodecsVideo } from "${new URL("./video_webcodecs.ts", import.meta.url).href}";
import { ScreenUpdates } from "${new URL("./screen_updates.ts", import.meta.url).href}";
const acks = [];
const options = { overlay: true, onFrame() {}, onNeedKeyframe() {}, onError: (m) => acks.push({ error: m }),
  onDone: (seq, ms, drawn) => acks.push({ seq, drawn }) };
const stage = document.getElementById("stage");
const canvas = (id) => stage.appendChild(Object.assign(document.createElement("canvas"), { id }));
const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const frame = (seq, key, data) => ({ kind: "video", seq, key, timestampUs: seq * 1000, payload: b64(data) });
Object.assign(globalThis, { acks, frames: new WebCodecsVideo(canvas("frames"), options),
  screen: new ScreenUpdates(canvas("screen"), options), frame });
`;
const PAGE = `<!doctype html><style>#stage { position: fixed; inset: 0 }
#stage canvas, #stage video { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain }
[hidden] { display: none !important }</style><div id="stage"></div><script type="module" src="entry.js"></script>`;

const b64 = (data: Uint8Array) => btoa(String.fromCharCode(...data));
const update = (ops: ScreenOp[]) => b64(ops.reduce((w, op) => w.add(op), new ScreenUpdateWriter()).finish());

/** The overlay over canvas `id`: `undefined` when there is none. */
function overlay(page: Page, id: string) {
  return page.evaluate((id) => {
    const video = document.getElementById(id)!.nextElementSibling as HTMLVideoElement | null;
    if (!(video instanceof HTMLVideoElement)) return undefined;
    return { width: video.videoWidth, hidden: video.hidden, opacity: video.style.opacity };
  }, id);
}

/** Pixels at `points` of the overlay's picture (`video`) or of the canvas itself. */
function pixels(page: Page, id: string, from: "video" | "canvas", points: [number, number][]) {
  return page.evaluate(([id, from, points]) => {
    const canvas = document.getElementById(id) as HTMLCanvasElement;
    const source = from === "video" ? canvas.nextElementSibling as HTMLVideoElement : canvas;
    const copy = new OffscreenCanvas(canvas.width, canvas.height).getContext("2d")!;
    copy.drawImage(source, 0, 0);
    return points.map(([x, y]) => [...copy.getImageData(x, y, 1, 1).data.subarray(0, 3)]);
  }, [id, from, points] as const);
}

function assertNear(got: number[][], want: Rgb[], tolerance: number, what: string): void {
  got.forEach((rgb, i) =>
    assert.ok(rgb.every((v, c) => Math.abs(v - want[i][c]) <= tolerance), `${what}: ${rgb} vs ${want[i]}`)
  );
}

Deno.test({
  name: "video frames are shown by an overlay over the canvas, and hybrid paints onto its picture",
  sanitizeOps: false, // playwright-core keeps internal pipes and timers beyond the test's own lifetime.
  sanitizeResources: false,
}, async (t) => {
  const temp = await Deno.makeTempDir({ prefix: "selkies-overlay-test-" });
  let chromium: TestBrowser | undefined;
  let server: Deno.HttpServer<Deno.NetAddr> | undefined;
  try {
    const video = await encodeTestPattern(temp, 5);
    await Deno.writeTextFile(`${temp}/entry.ts`, ENTRY);
    const bundled = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform=browser", "-o", `${temp}/entry.js`, `${temp}/entry.ts`],
    }).output();
    assert.ok(bundled.success, new TextDecoder().decode(bundled.stderr));
    const script = await Deno.readTextFile(`${temp}/entry.js`);
    server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (request) =>
        new URL(request.url).pathname === "/entry.js"
          ? new Response(script, { headers: { "content-type": "text/javascript" } })
          : new Response(PAGE, { headers: { "content-type": "text/html" } }),
    );
    chromium = await launchChromium();
    const page = chromium.context.pages()[0];
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(`http://127.0.0.1:${server.addr.port}/`); // localhost: a secure context (WebCodecs)
    await page.waitForFunction(() => "screen" in globalThis);
    const acks = () => page.evaluate(() => (globalThis as G).acks);
    const drawn = async (seq: number) => {
      const ack = await waitFor(
        `the ack of ${seq}`,
        async () => (await acks()).find((a) => a.seq === seq),
      );
      return ack.drawn;
    };
    const shown = (id: string) =>
      waitFor(`the overlay over #${id} revealed`, async () => {
        const o = await overlay(page, id);
        return o && !o.hidden && o.opacity === "1" && o.width === 320 && o;
      });

    await t.step("H.264 frames: acknowledged as drawn, shown by the overlay, the canvas sized", async () => {
      const units = video.units.map((u) => ({ key: u.key, data: b64(u.data) }));
      await page.evaluate(([codec, units]) => {
        const g = globalThis as G;
        g.frames.configure(codec);
        units.forEach((u: { key: boolean; data: string }, i: number) =>
          g.frames.push(g.frame(i + 1, u.key, u.data))
        );
      }, [video.codec, units] as const);
      assert.equal(await drawn(units.length), true, "the newest frame is drawn");
      await shown("frames");
      const size = await page.evaluate(() => {
        const canvas = document.getElementById("frames") as HTMLCanvasElement;
        return `${canvas.width}x${canvas.height}`;
      });
      assert.equal(size, "320x240", "the canvas keeps the picture's size (input maps through it)");
      assert.equal(await page.evaluate(() => (globalThis as G).frames.picture.tagName), "VIDEO");
      const got = await pixels(page, "frames", "video", BARS.map(([x]) => [x, 80]));
      assertNear(got, BARS.map(([, rgb]) => rgb), 40, "the overlay's picture");
    });

    await t.step("the overlay follows the canvas's hidden attribute, and leaves on close", async () => {
      await page.evaluate(() => document.getElementById("frames")!.hidden = true);
      await waitFor("the overlay hidden", async () => (await overlay(page, "frames"))?.hidden);
      await page.evaluate(() => (globalThis as G).frames.close());
      assert.equal(await overlay(page, "frames"), undefined);
    });

    await t.step("hybrid: a full-screen video update is shown by the overlay", async () => {
      const key = update([
        { op: "size", width: 320, height: 240 },
        { op: "codec", codec: video.codec },
        { op: "video", key: true, x: 0, y: 0, w: 320, h: 240, data: video.units[0].data },
      ]);
      await page.evaluate(([codec, key]) => {
        const g = globalThis as G;
        g.screen.configure(codec);
        g.screen.push(g.frame(1, true, key));
      }, [SCREEN_CODEC, key] as const);
      assert.equal(await drawn(1), true);
      await shown("screen");
    });

    await t.step("hybrid: the next update paints onto the overlay's picture, on the canvas", async () => {
      const red = update([{ op: "fill", x: 0, y: 0, w: 16, h: 16, rgb: [255, 0, 0] }]);
      await page.evaluate(
        (red) => (globalThis as G).screen.push((globalThis as G).frame(2, false, red)),
        red,
      );
      assert.equal(await drawn(2), true);
      assert.equal((await overlay(page, "screen"))?.hidden, true, "the canvas shows again");
      assert.equal(await page.evaluate(() => (globalThis as G).screen.picture.tagName), "CANVAS");
      const got = await pixels(page, "screen", "canvas", [
        [4, 4],
        ...BARS.map(([x]): [number, number] => [x, 80]),
      ]);
      assert.deepEqual(got[0], [255, 0, 0], "the fill, exact");
      assertNear(got.slice(1), BARS.map(([, rgb]) => rgb), 40, "the video picture under it");
    });

    await t.step("hybrid: a video region smaller than the screen is drawn on the canvas", async () => {
      const key = update([
        { op: "size", width: 480, height: 320 },
        { op: "fill", x: 0, y: 0, w: 480, h: 320, rgb: [40, 50, 60] },
        { op: "video", key: true, x: 80, y: 40, w: 320, h: 240, data: video.units[0].data },
      ]);
      await page.evaluate(
        (key) => (globalThis as G).screen.push((globalThis as G).frame(3, true, key)),
        key,
      );
      assert.equal(await drawn(3), true);
      assert.equal((await overlay(page, "screen"))?.hidden, true);
      const got = await pixels(page, "screen", "canvas", [
        [4, 4],
        ...BARS.map(([x]): [number, number] => [80 + x, 120]),
      ]);
      assert.deepEqual(got[0], [40, 50, 60]);
      assertNear(got.slice(1), BARS.map(([, rgb]) => rgb), 40, "the region");
    });
    assert.deepEqual(errors, []);
    assert.deepEqual((await acks()).filter((a) => a.error), []);
  } finally {
    await chromium?.close();
    await server?.shutdown();
    await Deno.remove(temp, { recursive: true });
  }
});
