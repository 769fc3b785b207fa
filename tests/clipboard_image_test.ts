/**
 * PNG images on the clipboard end to end (issue 13): a real session (Xvfb, media worker, server) viewed by
 * headless Chromium. A PNG put on the X CLIPBOARD with `xclip -t image/png` arrives in the page byte for byte
 * (and shows in the clipboard panel); a PNG pasted in the page (a paste event whose DataTransfer holds the
 * file, as a browser's Ctrl+V makes it) is what `xclip -o -t image/png` reads back on the desktop; images over
 * the 8 MiB limit are refused either way with a notice in the page, and the clipboard keeps what it held.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Page } from "playwright-core";
import { MAX_CLIPBOARD_IMAGE_BYTES } from "../protocol/clipboard_image.ts";
import { waitFor } from "./fixtures/async.ts";
import { launchBrowser } from "./fixtures/browser.ts";
import { startTestSession } from "./fixtures/session.ts";

type ImageWin = typeof globalThis & {
  selkiesClipboardImage: { received?: Uint8Array; sent: number };
};

/** A real PNG of noise (it hardly compresses): `level` 0 stores it, so its size is about w*h*3. */
async function noisePng(width: number, height: number, level: number): Promise<Uint8Array> {
  const file = await Deno.makeTempFile({ suffix: ".png" });
  try {
    const description = `videotestsrc num-buffers=1 pattern=snow ! video/x-raw,format=RGB,width=${width},` +
      `height=${height} ! pngenc compression-level=${level} ! filesink location=${file}`;
    const out = await new Deno.Command("gst-launch-1.0", { args: ["-q", ...description.split(" ")] })
      .output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    return await Deno.readFile(file);
  } finally {
    await Deno.remove(file);
  }
}

/** Takes the X CLIPBOARD with `png` as image/png; the returned function gives it up. */
function ownImage(env: Record<string, string>, png: Uint8Array): () => Promise<void> {
  const child = new Deno.Command("xclip", {
    args: ["-selection", "clipboard", "-t", "image/png", "-i", "-quiet"],
    env,
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  void writer.write(png).then(() => writer.close());
  return async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone: another owner took the selection */ }
    await child.status;
  };
}

async function desktopImage(env: Record<string, string>): Promise<Uint8Array> {
  const out = await new Deno.Command("xclip", {
    args: ["-selection", "clipboard", "-o", "-t", "image/png"],
    env,
    stdout: "piped",
    stderr: "null",
  }).output();
  return out.success ? out.stdout : new Uint8Array();
}

const received = (page: Page) =>
  page.evaluate(() => {
    const bytes = (globalThis as ImageWin).selkiesClipboardImage.received;
    return bytes ? Array.from(bytes) : undefined;
  });

/** Dispatches a paste whose clipboard holds `png` as a file, as Chromium's Ctrl+V with an image does. */
async function pasteImage(page: Page, png: Uint8Array): Promise<void> {
  await page.evaluate((base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], "image.png", { type: "image/png" }));
    document.getElementById("stage")!.dispatchEvent(
      new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, Buffer.from(png).toString("base64"));
}

const warning = (page: Page) =>
  page.evaluate(() => document.getElementById("job-warning")?.textContent ?? "");

Deno.test({
  name: "clipboard images: X -> page and page -> X byte for byte, oversized refused with a notice",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const session = await startTestSession({ geometry: "800x600" });
    const browser = await launchBrowser({ viewport: { width: 800, height: 600 } });
    const env = session.display.env;
    const owners: (() => Promise<void>)[] = [];
    try {
      const page = await browser.context.newPage();
      await page.goto(`${session.url}&transport=websocket`);
      await waitFor(
        "input enabled",
        () =>
          page.evaluate(() =>
            (globalThis as unknown as { selkiesDebug: { hello(): { input: boolean } | undefined } })
              .selkiesDebug.hello()?.input === true
          ),
        20_000,
      );

      // Desktop -> page: several chunks' worth.
      const fromDesktop = await noisePng(400, 300, 6);
      console.log(`desktop image: ${fromDesktop.byteLength} bytes`);
      assert.ok(fromDesktop.byteLength > 128 * 1024, "more than one chunk");
      owners.push(ownImage(env, fromDesktop));
      const got = await waitFor("the desktop's image in the page", () => received(page), 15_000);
      assert.equal(got.length, fromDesktop.byteLength);
      assert.ok(Buffer.from(got).equals(Buffer.from(fromDesktop)), "the page's bytes are the PNG's");
      const panel = await page.evaluate(() => {
        const box = document.getElementById("clip-image")!;
        return {
          hidden: box.hidden,
          src: box.querySelector("img")!.src,
          download: box.querySelector("a")!.download,
        };
      });
      assert.deepEqual({ ...panel, src: panel.src.slice(0, 5) }, {
        hidden: false,
        src: "blob:",
        download: "clipboard.png",
      }, "in the clipboard panel, with Download");

      // Page -> desktop.
      const fromPage = await noisePng(320, 200, 6);
      await pasteImage(page, fromPage);
      await waitFor(
        "the pasted image on the X clipboard",
        async () => Buffer.from(await desktopImage(env)).equals(Buffer.from(fromPage)),
        15_000,
      );
      // Our own image is not echoed back to the page as a new desktop image.
      const still = await received(page);
      assert.equal(still?.length, fromDesktop.byteLength);

      // Page -> desktop, over the limit: a notice, the desktop keeps what it held.
      const huge = new Uint8Array(MAX_CLIPBOARD_IMAGE_BYTES + 1);
      huge.set(fromPage.subarray(0, 8));
      await pasteImage(page, huge);
      await waitFor(
        "the page's notice",
        async () => /not pasted: .*over the 8\.0 MiB limit/.test(await warning(page)),
      );
      assert.ok(
        Buffer.from(await desktopImage(env)).equals(Buffer.from(fromPage)),
        "the X clipboard is unchanged",
      );

      // Desktop -> page, over the limit: the streamer says so; the page keeps the last image.
      const big = await noisePng(2000, 1500, 0);
      console.log(`oversized desktop image: ${big.byteLength} bytes`);
      assert.ok(big.byteLength > MAX_CLIPBOARD_IMAGE_BYTES);
      owners.push(ownImage(env, big));
      await waitFor(
        "the streamer's notice",
        async () => /image was not copied: .*over the 8 MiB limit/.test(await warning(page)),
        15_000,
      );
      assert.equal((await received(page))?.length, fromDesktop.byteLength);
    } finally {
      for (const stop of owners) await stop();
      await browser.close();
      await session.stop();
    }
  },
});
