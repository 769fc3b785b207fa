/**
 * File transfer end to end (issue 12), one session per path: the streamer's own server, the gateway tunnel
 * (real SLURM + MUNGE, a view-only share link refused by the relay and the streamer) and an Open OnDemand-like
 * /rnode proxy (real nginx). Each uploads a file larger than one chunk through headless Chromium's file picker,
 * downloads it again from the listing and compares the bytes; hostile names, an over-limit file and a
 * disconnect mid-upload are refused or cleaned up.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Page } from "playwright-core";
import { SessionSettingsSchema } from "../jobs/session.ts";
import { encodeTransferChunk, TRANSFER_CHUNK_BYTES, UPLOAD_TEMP_PREFIX } from "../protocol/transfer.ts";
import { startSession } from "../streamer/session/session.ts";
import { launchBrowser } from "./fixtures/browser.ts";
import { waitFor } from "./fixtures/async.ts";
import { startNginx } from "./fixtures/nginx.ts";
import { connectViewer } from "./fixtures/session.ts";
import { startStream } from "./fixtures/stream.ts";
import { openSocket, startGatewaySite, streamThroughGateway } from "./harness/gateway.ts";

const LIMIT = 5 * 1024 * 1024;
/** Larger than one chunk (and than one window), smaller than the limit. */
const FILE_BYTES = 4 * 1024 * 1024 + 12_345;

type FilesWin = typeof globalThis & {
  selkiesFiles: { upload(file: File, dir: string): void };
  selkiesDebug: { send(message: unknown): void };
};

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 65_536) crypto.getRandomValues(out.subarray(at, at + 65_536));
  return out;
}

/** A file for the page's picker. */
function pick(name: string, bytes: Uint8Array) {
  return { name, mimeType: "application/octet-stream", buffer: Buffer.from(bytes) };
}

/** A short fingerprint of bytes: a failed comparison of megabytes reports two lines, not a diff of each byte. */
async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return `${bytes.byteLength} bytes, sha256 ${
    Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

async function names(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) found.push(entry.name);
  return found.sort();
}

type TransferItem = { getAttribute(name: string): string | null; innerText: string };
type PageDoc = { document: { querySelector(selector: string): TransferItem | null } };

/** Runs `act`, which starts one transfer, and resolves with that transfer's end: its state and its text. */
async function outcomeOf(page: Page, act: () => Promise<unknown>): Promise<{ state: string; text: string }> {
  const newest = () =>
    page.evaluate(() =>
      Number(
        (globalThis as unknown as PageDoc).document.querySelector(".transfer")?.getAttribute("data-id") ?? 0,
      )
    );
  const before = await newest();
  await act();
  const ended = await page.waitForFunction(
    (before) => {
      const item = (globalThis as unknown as PageDoc).document.querySelector(".transfer");
      const state = item?.getAttribute("data-state");
      const ended = Number(item?.getAttribute("data-id") ?? 0) > before &&
        (state === "done" || state === "failed");
      return ended && { state, text: item!.innerText };
    },
    before,
    { timeout: 60_000 },
  );
  return await ended.jsonValue() as { state: string; text: string };
}

/**
 * Through the page: a file bigger than a chunk goes up by the picker and comes back down from the listing
 * byte for byte, a second upload of the same name lands as `data (1).bin`, an over-limit file and a hostile
 * folder are refused with the reason, and no temporary file is left.
 */
async function uploadAndDownload(page: Page, url: string, dir: string): Promise<void> {
  await page.goto(url);
  await page.locator("#files").waitFor({ state: "visible", timeout: 30_000 });
  await page.click("#files");
  const data = randomBytes(FILE_BYTES);
  const up = await outcomeOf(
    page,
    () => page.setInputFiles("#files-picker", pick("data.bin", data)),
  );
  assert.equal(up.state, "done", up.text);
  const sent = await sha256(data);
  assert.equal(
    await sha256(await Deno.readFile(`${dir}/data.bin`)),
    sent,
    "the upload arrived byte for byte",
  );

  const row = page.locator('tr[data-name="data.bin"] button');
  await row.waitFor({ timeout: 10_000 });
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), row.click()]);
  assert.equal(download.suggestedFilename(), "data.bin");
  const came = await sha256(await Deno.readFile((await download.path())!));
  assert.equal(came, sent, "the download came back byte for byte");

  await page.setInputFiles("#files-picker", pick("data.bin", new Uint8Array(3)));
  await waitFor("the second upload", async () => (await names(dir)).includes("data (1).bin"));
  assert.equal(
    await sha256(await Deno.readFile(`${dir}/data.bin`)),
    sent,
    "an existing file is never replaced",
  );

  const big = await outcomeOf(
    page,
    () => page.setInputFiles("#files-picker", pick("big.iso", new Uint8Array(LIMIT + 1))),
  );
  assert.equal(big.state, "failed");
  assert.match(big.text, /larger than the upload limit of 5\.0 MiB/);

  // A folder outside the transfer folder, asked for past the page's own checks: the streamer refuses it.
  const hostile = await outcomeOf(
    page,
    () =>
      page.evaluate(() => (globalThis as FilesWin).selkiesFiles.upload(new File(["x"], "ok.txt"), "../..")),
  );
  assert.equal(hostile.state, "failed");
  assert.match(hostile.text, /refused: the name "\.\." names a folder/);

  assert.deepEqual(await names(dir), ["data (1).bin", "data.bin"], "nothing else, no temporary file");
}

/** A fresh transfer folder, removed when the test's scope ends, however it ends. */
async function transferFolder(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.realPath(await Deno.makeTempDir({ prefix: "selkies-transfer-e2e-" }));
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

Deno.test({
  name: "file transfer through the streamer's own server, and a disconnect mid-upload leaves no file",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using folder = await transferFolder();
    const dir = folder.path;
    const session = await startSession(
      SessionSettingsSchema.parse({
        geometry: "640x360",
        fps: 15,
        audio: false,
        encoding: "video",
        desktop: "exec sleep 600",
        transferDir: dir,
        transferMaxBytes: LIMIT,
      }),
      {},
    );
    const browser = await launchBrowser({ viewport: { width: 640, height: 360 } });
    try {
      const page = await browser.context.newPage();
      await uploadAndDownload(page, `${session.url}&transport=websocket&resize=off`, dir);
      // A file dropped on the page uploads too (into the folder the panel shows).
      await page.evaluate(() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(["dropped"], "dropped.txt"));
        for (const type of ["dragover", "drop"]) {
          document.body.dispatchEvent(
            new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
          );
        }
      });
      await waitFor("the dropped file", async () => (await names(dir)).includes("dropped.txt"));
      assert.equal(await Deno.readTextFile(`${dir}/dropped.txt`), "dropped");
      await Deno.remove(`${dir}/dropped.txt`);

      // A program as viewer: a hostile name is refused by the streamer itself, then an upload is cut off.
      const viewer = connectViewer(session);
      await viewer.opened;
      viewer.send({ t: "file-put", id: 1, dir: "", name: "../escape", size: 1 });
      await waitFor("the refusal", () => viewer.messages.find((m) => m.t === "file-error" && m.id === 1));
      viewer.send({ t: "file-put", id: 2, dir: "", name: "cut.bin", size: 4 * TRANSFER_CHUNK_BYTES });
      await waitFor(
        "the upload's start",
        () => viewer.messages.some((m) => m.t === "file-put" && m.id === 2),
      );
      const chunk = encodeTransferChunk({ id: 2, offset: 0, data: randomBytes(TRANSFER_CHUNK_BYTES) });
      viewer.socket.send(chunk as Uint8Array<ArrayBuffer>);
      await waitFor("the first chunk stored", () => viewer.messages.some((m) => m.t === "file-stored"));
      assert.ok(
        (await names(dir)).some((n) => n.startsWith(UPLOAD_TEMP_PREFIX)),
        "a temporary file meanwhile",
      );
      viewer.socket.close();
      await waitFor(
        "the temporary file removed",
        async () => !(await names(dir)).some((n) => n.startsWith(UPLOAD_TEMP_PREFIX)),
      );
      assert.deepEqual(await names(dir), ["data (1).bin", "data.bin"], "nothing under the final name");
    } finally {
      await browser.close();
      await session.stop();
    }
  },
});

/** `stream` flags of a session whose transfer folder is `dir`, with the test's upload limit. */
const transferArgs = (dir: string) => ["--transfer-dir", dir, "--transfer-max-bytes", String(LIMIT)];

Deno.test({
  name: "file transfer through the gateway tunnel; a view-only link may not transfer",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using folder = await transferFolder();
    const dir = folder.path;
    await using site = await startGatewaySite();
    const stream = await streamThroughGateway(site.cluster, site.gateway.url, {
      geometry: "640x360",
      fps: 15,
      desktop: "exec sleep 600",
      args: transferArgs(dir),
    });
    const browser = await launchBrowser({ viewport: { width: 640, height: 360 } });
    try {
      const page = await browser.context.newPage();
      await uploadAndDownload(page, `${stream.url}&transport=websocket&resize=off`, dir);

      // A view-only share link: no Files button, and what it sends anyway is refused by the relay.
      const sessionPage = stream.url.replace(/\?token=.*/, "");
      const owner = (await browser.context.cookies(sessionPage)).map((c) => `${c.name}=${c.value}`).join(
        "; ",
      );
      const shared = await fetch(`${sessionPage}share`, { method: "POST", headers: { cookie: owner } });
      assert.equal(shared.status, 200);
      const { url } = await shared.json() as { url: string };
      const viewerPage = await browser.context.newPage();
      await viewerPage.goto(`${url}&transport=websocket&resize=off`);
      await viewerPage.waitForFunction(
        () =>
          (globalThis as unknown as { selkiesStats: { framesDecoded: number } }).selkiesStats?.framesDecoded >
            0,
        null,
        { timeout: 30_000 },
      );
      assert.equal(
        await viewerPage.locator("#files").isVisible(),
        false,
        "no Files button for a view-only link",
      );

      const exchange = await fetch(url, { redirect: "manual" });
      await exchange.body?.cancel();
      const viewOnly = exchange.headers.get("set-cookie")!.split(";")[0];
      const socket = openSocket(`${sessionPage.replace("http", "ws")}ws`, {
        origin: site.gateway.url.slice(0, -1),
        cookie: viewOnly,
      });
      await socket.opened;
      const hello = JSON.parse(await socket.next() as string);
      assert.equal(hello.t, "hello");
      assert.equal(hello.transfer, undefined, "the hello offers a view-only viewer no transfer");
      const refusedBefore = site.gateway.metrics.messagesRefused;
      socket.ws.send(JSON.stringify({ t: "file-put", id: 1, dir: "", name: "view-only.txt", size: 1 }));
      socket.ws.send(JSON.stringify({ t: "file-list", dir: "" }));
      socket.ws.send(
        encodeTransferChunk({ id: 1, offset: 0, data: new Uint8Array(1) }) as Uint8Array<ArrayBuffer>,
      );
      await waitFor("the relay's refusals", () => site.gateway.metrics.messagesRefused >= refusedBefore + 3);
      socket.ws.close();
      assert.deepEqual(await names(dir), ["data (1).bin", "data.bin"], "the view-only viewer wrote nothing");
    } finally {
      await browser.close();
      await stream.stop();
    }
  },
});

Deno.test({
  name: "file transfer through an Open OnDemand-like /rnode proxy (nginx)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using folder = await transferFolder();
    const dir = folder.path;
    const stream = await startStream({
      geometry: "640x360",
      fps: 15,
      desktop: "exec sleep 600",
      args: transferArgs(dir),
      env: { SELKIES_SITE_CONFIG: "/nonexistent" },
    });
    const nginx = await startNginx();
    const browser = await launchBrowser({ viewport: { width: 640, height: 360 } });
    try {
      const { port } = new URL(stream.url);
      const page = await browser.context.newPage();
      const proxied =
        `${nginx.url}/rnode/127.0.0.1/${port}/?token=${stream.token}&transport=websocket&resize=off`;
      await uploadAndDownload(page, proxied, dir);
    } finally {
      await browser.close();
      await nginx.stop();
      await stream.stop();
    }
  },
});
