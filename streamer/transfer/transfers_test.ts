import assert from "node:assert/strict";
import {
  decodeTransferChunk,
  encodeTransferChunk,
  TRANSFER_CHUNK_BYTES,
  TRANSFER_WINDOW_BYTES,
  type TransferServerMessage,
  UPLOAD_TEMP_PREFIX,
} from "../../protocol/transfer.ts";
import { TransferRoot } from "./root.ts";
import { ViewerTransfers } from "./transfers.ts";
import { Upload } from "./upload.ts";

// Pure logic over a real temporary folder; the viewer's socket is an in-memory fake.

/** Bytes that are not all alike (getRandomValues gives 64 KiB at a time). */
function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 65_536) crypto.getRandomValues(out.subarray(at, at + 65_536));
  return out;
}
async function setup(maxBytes = 16 * 2 ** 20) {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "selkies-transfer-test-" }));
  const root = await TransferRoot.open(dir);
  const messages: TransferServerMessage[] = [];
  const chunks: Uint8Array[] = [];
  const transfers = new ViewerTransfers({ root, maxBytes }, {
    send: (m) => void messages.push(m),
    sendBytes: (b) => void chunks.push(b),
    remote: "test",
  });
  const until = async <T>(what: string, probe: () => T | undefined): Promise<T> => {
    for (let i = 0; i < 500; i++) {
      const value = probe();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.fail(`${what} never came; heard ${JSON.stringify(messages)}`);
  };
  const heard = <T extends TransferServerMessage["t"]>(t: T, id?: number) =>
    until(
      t,
      () =>
        messages.find((m): m is Extract<TransferServerMessage, { t: T }> =>
          m.t === t && (id === undefined || ("id" in m && m.id === id))
        ),
    );
  const temps = async () => {
    const names: string[] = [];
    for await (const e of Deno.readDir(dir)) if (e.name.startsWith(UPLOAD_TEMP_PREFIX)) names.push(e.name);
    return names;
  };
  return {
    dir,
    root,
    messages,
    chunks,
    transfers,
    heard,
    until,
    temps,
    [Symbol.asyncDispose]: async () => {
      await transfers.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Sends `data` as an upload the way the browser does: chunks within the window of acknowledged bytes. */
async function upload(t: Awaited<ReturnType<typeof setup>>, id: number, name: string, data: Uint8Array) {
  t.transfers.handle({ t: "file-put", id, dir: "", name, size: data.byteLength });
  await t.heard("file-put", id);
  const stored = () =>
    Math.max(
      0,
      ...t.messages.filter((m) => m.t === "file-stored" && m.id === id).map((m) =>
        (m as { bytes: number }).bytes
      ),
    );
  for (let offset = 0; offset < data.byteLength; offset += TRANSFER_CHUNK_BYTES) {
    await t.until("window room", () => offset - stored() < TRANSFER_WINDOW_BYTES || undefined);
    t.transfers.chunk(
      encodeTransferChunk({ id, offset, data: data.subarray(offset, offset + TRANSFER_CHUNK_BYTES) }),
    );
  }
  return t.heard("file-done", id);
}

Deno.test("an upload lands complete under its name with the umask's mode, never over an existing file", async () => {
  await using t = await setup();
  const data = randomBytes(3 * TRANSFER_CHUNK_BYTES + 1234);
  const done = await upload(t, 1, "data.bin", data);
  assert.deepEqual(done, { t: "file-done", id: 1, name: "data.bin", size: data.byteLength });
  assert.deepEqual(await Deno.readFile(`${t.dir}/data.bin`), data);
  assert.equal((await Deno.stat(`${t.dir}/data.bin`)).mode! & 0o777, 0o666 & ~Deno.umask());
  const again = await upload(t, 2, "data.bin", new Uint8Array([1, 2, 3]));
  assert.equal(again.name, "data (1).bin", "an existing file is never replaced");
  assert.deepEqual(await Deno.readFile(`${t.dir}/data.bin`), data);
  assert.equal((await upload(t, 3, "a.tar.gz", new Uint8Array(0))).name, "a.tar.gz", "an empty file");
  assert.equal((await upload(t, 4, "a.tar.gz", new Uint8Array(1))).name, "a (1).tar.gz");
  assert.deepEqual(await t.temps(), []);
});

Deno.test("an unfinished upload writes only a private temporary file, removed when the viewer leaves", async () => {
  await using t = await setup();
  t.transfers.handle({ t: "file-put", id: 7, dir: "", name: "big.bin", size: 4 * TRANSFER_CHUNK_BYTES });
  await t.heard("file-put", 7);
  t.transfers.chunk(encodeTransferChunk({ id: 7, offset: 0, data: new Uint8Array(TRANSFER_CHUNK_BYTES) }));
  await t.heard("file-stored", 7);
  const [temp] = await t.temps();
  assert.equal((await Deno.stat(`${t.dir}/${temp}`)).mode! & 0o777, 0o600);
  await assert.rejects(Deno.stat(`${t.dir}/big.bin`), Deno.errors.NotFound);
  await t.transfers.close();
  assert.deepEqual(await t.temps(), []);
  await assert.rejects(Deno.stat(`${t.dir}/big.bin`), Deno.errors.NotFound);
});

Deno.test("refusals: over the limit, a hostile name, out of order, cancelled, too many at once", async () => {
  await using t = await setup(1000);
  t.transfers.handle({ t: "file-put", id: 1, dir: "", name: "big.iso", size: 1001 });
  assert.match(
    (await t.heard("file-error", 1)).message,
    /"big.iso" is 1001 bytes, larger than the upload limit of 1000 bytes/,
  );
  t.transfers.handle({ t: "file-put", id: 2, dir: "", name: "../evil", size: 1 });
  assert.match((await t.heard("file-error", 2)).message, /refused: the name "\.\.\/evil" contains "\/"/);
  t.transfers.handle({ t: "file-put", id: 3, dir: "../..", name: "x", size: 1 });
  assert.match((await t.heard("file-error", 3)).message, /refused/);
  t.transfers.handle({ t: "file-put", id: 4, dir: "", name: "x", size: 10 });
  await t.heard("file-put", 4);
  t.transfers.chunk(encodeTransferChunk({ id: 4, offset: 5, data: new Uint8Array(5) }));
  assert.match((await t.heard("file-error", 4)).message, /out of order/);
  t.transfers.handle({ t: "file-put", id: 5, dir: "", name: "y", size: 10 });
  await t.heard("file-put", 5);
  t.transfers.handle({ t: "file-cancel", id: 5 });
  await t.until("the cancelled upload's file gone", async () => (await t.temps()).length === 0 || undefined);
  for (const id of [10, 11, 12, 13, 14]) {
    t.transfers.handle({ t: "file-put", id, dir: "", name: `f${id}`, size: 1 });
  }
  assert.match((await t.heard("file-error", 14)).message, /at most 4 transfers/);
  t.transfers.handle({ t: "file-list", dir: "/etc" });
  const listError = await t.until(
    "the listing's refusal",
    () => t.messages.find((m) => m.t === "file-error" && m.dir),
  );
  assert.match((listError as { message: string }).message, /absolute paths are refused/);
  await t.transfers.close();
  assert.deepEqual(await t.temps(), []);
  for await (const entry of Deno.readDir(t.dir)) assert.fail(`left behind: ${entry.name}`);
});

Deno.test("a download sends chunks within its window of acknowledged bytes", async () => {
  await using t = await setup();
  const data = randomBytes(20 * TRANSFER_CHUNK_BYTES + 99);
  await Deno.mkdir(`${t.dir}/sub`);
  await Deno.writeFile(`${t.dir}/sub/out.bin`, data);
  t.transfers.handle({ t: "file-get", id: 9, path: "sub/out.bin" });
  assert.deepEqual(await t.heard("file-get", 9), {
    t: "file-get",
    id: 9,
    name: "out.bin",
    size: data.byteLength,
  });
  const received = new Uint8Array(data.byteLength);
  let bytes = 0;
  while (bytes < data.byteLength) {
    await t.until("a chunk", () => t.chunks.length > 0 || undefined);
    await new Promise((r) => setTimeout(r, 5)); // let the sender fill its window
    const inFlight = t.chunks.reduce((n, c) => n + c.byteLength - 12, 0);
    assert.ok(inFlight <= TRANSFER_WINDOW_BYTES, `${inFlight} bytes in flight`);
    for (const frame of t.chunks.splice(0)) {
      const chunk = decodeTransferChunk(frame)!;
      assert.equal(chunk.offset, bytes);
      received.set(chunk.data, chunk.offset);
      bytes += chunk.data.byteLength;
    }
    t.transfers.handle({ t: "file-got", id: 9, bytes });
  }
  assert.deepEqual(received, data);
  t.transfers.handle({ t: "file-get", id: 10, path: "../../etc/passwd" });
  assert.match((await t.heard("file-error", 10)).message, /refused/);
});

Deno.test("an abandoned temporary file is swept by the next upload into its folder", async () => {
  await using t = await setup();
  const stale = `${t.dir}/${UPLOAD_TEMP_PREFIX}dead.part`;
  await Deno.writeTextFile(stale, "half");
  const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
  await Deno.utime(stale, old, old);
  const fresh = `${t.dir}/${UPLOAD_TEMP_PREFIX}live.part`;
  await Deno.writeTextFile(fresh, "in progress elsewhere");
  const u = await Upload.start({ root: t.root, dir: "", name: "n.txt", size: 0, maxBytes: 10 });
  await assert.rejects(Deno.stat(stale), Deno.errors.NotFound);
  assert.ok(await Deno.stat(fresh));
  assert.equal(await u.finish(), "n.txt");
  await Deno.remove(fresh);
});
