import assert from "node:assert/strict";
import { encodeTransferChunk, UPLOAD_TEMP_PREFIX } from "../../protocol/transfer.ts";
import { openTransfer } from "../transfer/mod.ts";
import { attachViewer, type ViewerContext } from "./viewer.ts";
import { memorySocket, quietContext } from "../../tests/fixtures/viewer_ports.ts";

// Unit test of the viewer's file transfer wiring: a real temporary folder, an in-memory socket, no media.
async function setup(viewOnly: boolean) {
  const dir = await Deno.makeTempDir({ prefix: "selkies-viewer-transfer-" });
  const transfer = await openTransfer({ transfer: true, transferDir: dir, transferMaxBytes: 1 << 20 });
  const { socket, sent, receive } = memorySocket();
  const context = {
    ...quietContext(false),
    desktop: { releaseAll: () => {} } as unknown as ViewerContext["desktop"],
    transfer,
  } as ViewerContext;
  const viewer = attachViewer(socket, { viewOnly, remote: "t" }, context);
  const messages = () => sent.filter((d) => typeof d === "string").map((d) => JSON.parse(d as string));
  const files = async () => {
    const names: string[] = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    return names;
  };
  const waitFor = async (what: string, probe: () => boolean | Promise<boolean>) => {
    for (let i = 0; i < 300 && !(await probe()); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(await probe(), `${what}; heard ${JSON.stringify(messages())}`);
  };
  return {
    dir,
    viewer,
    messages,
    files,
    waitFor,
    message: (m: unknown) => receive(JSON.stringify(m)),
    binary: (b: Uint8Array) => receive(b),
    [Symbol.asyncDispose]: async () => {
      socket.close();
      await viewer.closed;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("a view-only viewer is not offered transfer, and its transfer messages and chunks are refused", async () => {
  await using v = await setup(true);
  assert.equal(v.messages()[0].transfer, undefined);
  v.message({ t: "file-list", dir: "" });
  v.message({ t: "file-put", id: 1, dir: "", name: "x.txt", size: 3 });
  v.binary(encodeTransferChunk({ id: 1, offset: 0, data: new Uint8Array(3) }));
  v.message({ t: "file-get", id: 2, path: "x.txt" });
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(v.messages().slice(1), [], "no answer at all");
  assert.deepEqual(await v.files(), []);
});

Deno.test("the owner uploads through the viewer; leaving mid-upload leaves no file", async () => {
  await using v = await setup(false);
  assert.deepEqual(v.messages()[0].transfer, { maxBytes: 1 << 20 });
  v.message({ t: "file-put", id: 1, dir: "", name: "x.txt", size: 3 });
  await v.waitFor("the upload is accepted", () => v.messages().some((m) => m.t === "file-put"));
  v.binary(encodeTransferChunk({ id: 1, offset: 0, data: new TextEncoder().encode("abc") }));
  await v.waitFor("the upload completes", () => v.messages().some((m) => m.t === "file-done"));
  assert.equal(await Deno.readTextFile(`${v.dir}/x.txt`), "abc");
  v.message({ t: "file-put", id: 2, dir: "", name: "half.bin", size: 10 });
  v.binary(encodeTransferChunk({ id: 2, offset: 0, data: new Uint8Array(5) }));
  await v.waitFor(
    "a temporary file",
    async () => (await v.files()).some((n) => n.startsWith(UPLOAD_TEMP_PREFIX)),
  );
  v.viewer.close();
  await v.viewer.closed;
  assert.deepEqual(await v.files(), ["x.txt"]);
});
