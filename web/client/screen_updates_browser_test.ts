/**
 * The hybrid encoding's compositor in headless Chromium, through the real page, server and WebSocket: updates
 * built here with ScreenUpdateWriter (tiles encoded by Chromium itself, H.264 by GStreamer's x264) are
 * checked pixel by pixel against a reference of what each operation paints, along with the acknowledgements
 * and keyframe requests that pace the stream.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { type ClientMessage, encodeMediaFrame, parseClientMessage } from "../../protocol/protocol.ts";
import { SCREEN_CODEC, type ScreenOp, ScreenUpdateWriter } from "../../protocol/screen_update.ts";
import { createStreamerApp, serveStreamer, type ViewerSocket } from "../../streamer/server/mod.ts";
import { delay, waitFor } from "../../tests/fixtures/async.ts";
import {
  fakeHello,
  launchChromium,
  type TestBrowser,
  type Win,
} from "../../tests/fixtures/client_browser.ts";
import { encodeTestPattern } from "../../tests/fixtures/h264.ts";

const TOKEN = "screen-updates-test-secret";
type Rgb = [number, number, number];
type Color = (x: number, y: number) => Rgb;

/** What the screen should show: exact pixels, and a tolerance per pixel where the codec is lossy. */
class Reference {
  width = 0;
  height = 0;
  rgb = new Uint8Array(0);
  tolerance = new Uint8Array(0);

  size(width: number, height: number): void {
    Object.assign(this, { width, height, rgb: new Uint8Array(width * height * 3) });
    this.tolerance = new Uint8Array(width * height).fill(255); // undefined until painted
  }
  paint(x: number, y: number, w: number, h: number, color: Color, tolerance = 0): void {
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const at = (y + j) * this.width + x + i;
        this.rgb.set(color(i, j), at * 3);
        this.tolerance[at] = tolerance;
      }
    }
  }
  copy(sx: number, sy: number, w: number, h: number, dx: number, dy: number): void {
    const rgb = this.rgb.slice(), tolerance = this.tolerance.slice();
    const from = (i: number, j: number) => (sy + j) * this.width + sx + i;
    this.paint(dx, dy, w, h, (i, j) => [...rgb.subarray(from(i, j) * 3, from(i, j) * 3 + 3)] as Rgb);
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) this.tolerance[(dy + j) * this.width + dx + i] = tolerance[from(i, j)];
    }
  }
}

const size = (width: number, height: number): ScreenOp => ({ op: "size", width, height });
const fill = (x: number, y: number, w: number, h: number, rgb: Rgb): ScreenOp => ({
  op: "fill",
  x,
  y,
  w,
  h,
  rgb,
});
/** A 32x32 tile: WebP ones are lossless. */
const tile = (format: "webp" | "jpeg", x: number, y: number, data: Uint8Array): ScreenOp => ({
  op: "image",
  format,
  lossless: format === "webp",
  ...{ x, y, w: 32, h: 32, data },
});

/** The WebP tile: every pixel different, so a misplaced or resampled pixel shows. */
const tilePixel = (x: number, y: number): Rgb => [x * 8, y * 8, (x + y) * 4];
const JPEG_COLOR: Rgb = [200, 60, 60];
const stripe = (i: number): Rgb => [i * 16, 255 - i * 16, (i * 40) % 256];

/** Tiles encoded by Chromium: a lossless WebP of {@linkcode tilePixel} and a JPEG of one colour, 32x32. */
function encodeTiles(page: Page): Promise<{ webp: Uint8Array; jpeg: Uint8Array }> {
  return page.evaluate(async ([jpegColor]) => {
    const canvas = new OffscreenCanvas(32, 32);
    const ctx = canvas.getContext("2d")!;
    const image = ctx.createImageData(32, 32);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) image.data.set([x * 8, y * 8, (x + y) * 4, 255], (y * 32 + x) * 4);
    }
    ctx.putImageData(image, 0, 0);
    const bytes = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());
    const webp = await bytes(await canvas.convertToBlob({ type: "image/webp", quality: 1 }));
    ctx.fillStyle = `rgb(${jpegColor.join()})`;
    ctx.fillRect(0, 0, 32, 32);
    const jpeg = await bytes(await canvas.convertToBlob({ type: "image/jpeg", quality: 0.95 }));
    return { webp: [...webp], jpeg: [...jpeg] };
  }, [JPEG_COLOR]).then(({ webp, jpeg }) => ({ webp: Uint8Array.from(webp), jpeg: Uint8Array.from(jpeg) }));
}

/** The page's canvas, compared with the reference: mismatches beyond each pixel's tolerance. */
async function mismatches(page: Page, ref: Reference): Promise<string[]> {
  const shown = await page.evaluate(() => {
    const canvas = document.getElementById("canvas") as HTMLCanvasElement;
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let binary = "";
    for (let i = 0; i < data.length; i += 0x8000) {
      binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    }
    return { width: canvas.width, height: canvas.height, rgba: btoa(binary) };
  });
  if (shown.width !== ref.width || shown.height !== ref.height) {
    return [`canvas ${shown.width}x${shown.height}, expected ${ref.width}x${ref.height}`];
  }
  const rgba = Uint8Array.from(atob(shown.rgba), (c) => c.charCodeAt(0));
  const wrong: string[] = [];
  for (let at = 0; at < ref.width * ref.height; at++) {
    const got = [...rgba.subarray(at * 4, at * 4 + 3)], want = [...ref.rgb.subarray(at * 3, at * 3 + 3)];
    if (got.some((v, c) => Math.abs(v - want[c]) > ref.tolerance[at])) {
      wrong.push(`(${at % ref.width},${Math.floor(at / ref.width)}): ${got}, expected ${want}`);
    }
  }
  return wrong;
}

Deno.test({
  name: "screen updates are composited in order, pixel-exact where lossless, each acknowledged",
  sanitizeOps: false, // playwright-core keeps internal pipes and timers beyond the test's own lifetime.
  sanitizeResources: false,
}, async (t) => {
  const temp = await Deno.makeTempDir({ prefix: "selkies-screen-test-" });
  const received: ClientMessage[] = [];
  let viewer: ViewerSocket | undefined;
  const app = createStreamerApp({
    token: TOKEN,
    viewer(socket) {
      viewer = socket;
      socket.onMessage((data) => {
        const message = typeof data === "string" ? parseClientMessage(data) : undefined;
        if (message) received.push(message);
      });
      socket.send(JSON.stringify(fakeHello({ width: 320, height: 240, codec: SCREEN_CODEC })));
    },
  });
  const server = await serveStreamer(app, { bind: "127.0.0.1" });
  let chromium: TestBrowser | undefined;
  const send = (seq: number, key: boolean, update: ScreenOp[] | Uint8Array) => {
    const payload = update instanceof Uint8Array
      ? update
      : update.reduce((w, op) => w.add(op), new ScreenUpdateWriter()).finish();
    viewer!.send(encodeMediaFrame({ kind: "video", key, seq, timestampUs: seq * 1000, payload }));
  };
  const acks = (seq: number) => received.filter((m) => m.t === "ack" && m.seq === seq);
  const drawn = async (seq: number) => {
    const [ack] = await waitFor(`the ack of update ${seq}`, () => acks(seq).length && acks(seq));
    return ack.t === "ack" && ack.drawn;
  };
  const keyframeRequests = () => received.filter((m) => m.t === "kf").length;
  try {
    const video = await encodeTestPattern(temp, 1);
    chromium = await launchChromium();
    const page = chromium.context.pages()[0];
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(`${server.url}?token=${TOKEN}&transport=websocket&resize=off`);
    await waitFor("a keyframe request at start", () => keyframeRequests() > 0, 15_000);
    const { webp, jpeg } = await encodeTiles(page);
    // A lossless bitstream is a VP8L chunk (a lossy one VP8, maybe inside a VP8X container).
    assert.match(new TextDecoder().decode(webp), /VP8L/, "Chromium's WebP at quality 1 is lossless");
    const ref = new Reference();
    let seq = 1;
    const screenIsAsExpected = async (message?: string) =>
      assert.deepEqual((await mismatches(page, ref)).slice(0, 5), [], message);

    await t.step("a delta before the first key update is dropped", async () => {
      send(seq, false, [fill(0, 0, 8, 8, [1, 1, 1])]);
      assert.equal(await drawn(seq++), false);
    });

    await t.step("a key update: size, fills, a lossless WebP tile (exact), a JPEG tile", async () => {
      const stripes = [...Array(15).keys()].map((i) => fill(0, i * 16, 320, 16, stripe(i)));
      send(seq, true, [
        size(320, 240),
        ...stripes,
        tile("webp", 100, 100, webp),
        tile("jpeg", 200, 40, jpeg),
      ]);
      assert.equal(await drawn(seq++), true);
      ref.size(320, 240);
      for (let i = 0; i < 15; i++) ref.paint(0, i * 16, 320, 16, () => stripe(i));
      ref.paint(100, 100, 32, 32, tilePixel);
      ref.paint(200, 40, 32, 32, () => JPEG_COLOR, 6);
      await screenIsAsExpected();
    });

    await t.step("a scroll: an overlapping copy (dy = -16) and the strip it exposes", async () => {
      const scroll: ScreenOp = { op: "copy", sx: 0, sy: 16, w: 320, h: 224, dx: 0, dy: 0 };
      send(seq, false, [scroll, fill(0, 224, 320, 16, [1, 2, 3]), tile("webp", 144, 208, webp)]);
      assert.equal(await drawn(seq++), true);
      ref.copy(0, 16, 320, 224, 0, 0);
      ref.paint(0, 224, 320, 16, () => [1, 2, 3]);
      ref.paint(144, 208, 32, 32, tilePixel);
      await screenIsAsExpected();
    });

    await t.step("a malformed update: reported, dropped, a key asked; deltas wait for it", async () => {
      const before = keyframeRequests();
      send(seq, false, new ScreenUpdateWriter().add(fill(0, 0, 320, 240, [9, 9, 9])).finish().subarray(0, 6));
      assert.equal(await drawn(seq++), false);
      await waitFor("a keyframe request", () => keyframeRequests() > before);
      send(seq, false, [fill(0, 0, 320, 240, [9, 9, 9])]);
      assert.equal(await drawn(seq++), false);
      const error = await page.evaluate(() => (globalThis as Win).selkiesStats.lastError);
      assert.match(error, /screen update 4: truncated/);
      await screenIsAsExpected("the screen is as it was");
    });

    await t.step("a key update with a new size and an H.264 region (x264's SMPTE bars)", async () => {
      send(seq, true, [size(480, 320), fill(0, 0, 480, 320, [40, 50, 60]), {
        op: "codec",
        codec: video.codec,
      }, {
        op: "video",
        key: true,
        ...{ x: 80, y: 40, w: 320, h: 240, data: video.units[0].data },
      }]);
      assert.equal(await drawn(seq++), true);
      ref.size(480, 320);
      ref.paint(0, 0, 480, 320, () => [40, 50, 60]);
      ref.paint(80, 40, 320, 240, () => [0, 0, 0], 255);
      // SMPTE bars (as in browser_test.ts): columns away from the bars' edges, within the codec's error.
      const bars: [number, Rgb][] = [[22, [255, 255, 255]], [114, [0, 255, 255]], [205, [255, 0, 255]]];
      for (const [x, color] of [...bars, [297, [0, 0, 255]] as const]) {
        ref.paint(80 + x - 4, 40 + 40, 8, 40, () => [...color], 40);
      }
      await screenIsAsExpected();
      const stats = await page.evaluate(() => (globalThis as Win).selkiesStats);
      assert.equal(`${stats.width}x${stats.height}`, "480x320");
    });

    await t.step("a key update replaces the deltas still waiting before it", async () => {
      const slow = [...Array(40).keys()].map((i) =>
        tile("webp", (i % 10) * 32, 32 * Math.floor(i / 10), webp)
      );
      // The page is kept busy while all three arrive, so the deltas are still decoding or waiting when the
      // key update is taken (measured without this: the deltas were often drawn before the key arrived).
      const busy = page.evaluate(() => {
        for (const end = performance.now() + 500; performance.now() < end;) { /* busy */ }
      });
      await delay(150);
      const first = seq;
      send(seq++, false, slow);
      send(seq++, false, [fill(0, 0, 16, 16, [255, 0, 0])]);
      send(seq++, true, [size(480, 320), fill(0, 0, 480, 320, [90, 91, 92])]);
      await busy;
      const flags = [await drawn(first), await drawn(first + 1), await drawn(first + 2)];
      assert.deepEqual(flags, [false, false, true]);
      const late = () => page.evaluate(() => (globalThis as Win).selkiesStats.droppedLate);
      await waitFor(
        "two updates counted as dropped late (stats tick once a second)",
        async () => await late() === 2,
      );
      ref.paint(0, 0, 480, 320, () => [90, 91, 92]);
      await screenIsAsExpected();
    });

    await t.step("an image that does not decode: dropped, a key asked, then drawing resumes", async () => {
      const before = keyframeRequests();
      send(seq, false, [tile("jpeg", 0, 0, Uint8Array.of(0xff, 0xd8, 1, 2, 3))]);
      assert.equal(await drawn(seq), false);
      await waitFor("a keyframe request", () => keyframeRequests() > before);
      const error = await page.evaluate(() => (globalThis as Win).selkiesStats.lastError);
      assert.match(error, new RegExp(`screen update ${seq++}`));
      send(seq, true, [size(480, 320), fill(0, 0, 480, 320, [7, 7, 7])]);
      assert.equal(await drawn(seq++), true);
      send(seq, false, [tile("webp", 448, 288, webp)]);
      assert.equal(await drawn(seq++), true);
      ref.paint(0, 0, 480, 320, () => [7, 7, 7]);
      ref.paint(448, 288, 32, 32, tilePixel);
      await screenIsAsExpected();
    });

    await t.step("every update was acknowledged once, and the page threw nothing", () => {
      for (let s = 1; s < seq; s++) assert.equal(acks(s).length, 1, `one ack for update ${s}`);
      assert.deepEqual(errors, []);
    });
  } finally {
    await chromium?.close();
    await server.close();
    await Deno.remove(temp, { recursive: true });
  }
});
