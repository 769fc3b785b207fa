import assert from "node:assert/strict";
import {
  decodeTransferChunk,
  encodeTransferChunk,
  isTransferFrame,
  MAX_NAME_BYTES,
  nameProblem,
  offsetFits,
  splitRelativePath,
  TRANSFER_CHUNK_BYTES,
  TRANSFER_HEADER_BYTES,
  type TransferClientMessage,
} from "./transfer.ts";
import {
  type ClientMessage,
  decodeMediaFrame,
  encodeMediaFrame,
  parseClientMessage,
  viewOnlyMaySend,
} from "./protocol.ts";
import { KeyframeGate } from "./keyframe_gate.ts";

// The schema's transfer messages and transfer.ts's types are the same (a drift does not compile).
type SchemaTransfer = Extract<ClientMessage, { t: `file-${string}` }>;
const sameShapes: [SchemaTransfer] extends [TransferClientMessage]
  ? [TransferClientMessage] extends [SchemaTransfer] ? true : false
  : false = true;

Deno.test("hostile and fine names", () => {
  const refused: [string, RegExp][] = [
    ["../x", /contains "\/"/],
    ["/etc/passwd", /contains "\/"/],
    ["a/b", /contains "\/"/],
    ["..", /names a folder/],
    [".", /names a folder/],
    ["", /empty/],
    ["a\u0000b", /NUL or control/],
    ["line\nbreak", /NUL or control/],
    ["esc\u001b[31m", /NUL or control/],
    ["del\u007f", /NUL or control/],
    ["c1\u0085", /NUL or control/],
    ["x".repeat(256), /longer than 255 bytes/],
    ["é".repeat(128), /longer than 255 bytes/], // 256 bytes in UTF-8
    [".selkies-upload-abc.part", /reserved/],
  ];
  for (const [name, why] of refused) assert.match(nameProblem(name) ?? "", why, JSON.stringify(name));
  const fine = [
    "data.bin",
    "résumé (final).pdf",
    "日本語.txt",
    "emoji 🎉.png",
    ".bashrc",
    "a..b",
    "x".repeat(255),
  ];
  for (const name of fine) assert.equal(nameProblem(name), undefined, name);
  assert.equal(new TextEncoder().encode("é".repeat(127)).byteLength <= MAX_NAME_BYTES, true);
  assert.equal(nameProblem("é".repeat(127)), undefined);
});

Deno.test("relative paths: names only, never absolute or climbing", () => {
  assert.deepEqual(splitRelativePath(""), []);
  assert.deepEqual(splitRelativePath("data/run 1"), ["data", "run 1"]);
  assert.match(splitRelativePath("/etc") as string, /absolute paths are refused/);
  assert.match(splitRelativePath("a/../../etc") as string, /names a folder/);
  assert.match(splitRelativePath("a//b") as string, /empty/);
  assert.match(splitRelativePath("a/") as string, /empty/);
  assert.match(splitRelativePath("a/\u0000") as string, /NUL/);
  assert.match(splitRelativePath("a/".repeat(3000)) as string, /longer than 4096/);
});

Deno.test("chunks round-trip, with offsets beyond 4 GiB", () => {
  const data = crypto.getRandomValues(new Uint8Array(1000));
  for (const offset of [0, 131_072, 2 ** 32 + 5, 2 ** 48 - 1]) {
    const bytes = encodeTransferChunk({ id: 0xfffffffe, offset, data });
    assert.equal(bytes.byteLength, TRANSFER_HEADER_BYTES + 1000);
    assert.ok(isTransferFrame(bytes));
    const chunk = decodeTransferChunk(bytes)!;
    assert.equal(chunk.id, 0xfffffffe);
    assert.equal(chunk.offset, offset);
    assert.deepEqual(chunk.data, data);
  }
  assert.ok(offsetFits(2 ** 48 - 1));
  assert.ok(!offsetFits(2 ** 48));
  assert.ok(!offsetFits(-1));
  assert.ok(!offsetFits(1.5));
});

Deno.test("chunk frames are not media frames, and media frames are not chunks", () => {
  const chunk = encodeTransferChunk({ id: 1, offset: 0, data: new Uint8Array(10) });
  assert.equal(decodeMediaFrame(chunk), undefined, "an older client ignores a chunk");
  const gate = new KeyframeGate({ startAtKeyframe: true });
  assert.equal(gate.admit(chunk, true).send, true, "a congested path never drops a chunk as video");
  const video = encodeMediaFrame({ kind: "video", key: true, timestampUs: 0, payload: new Uint8Array(20) });
  assert.equal(decodeTransferChunk(video), undefined);
  assert.ok(!isTransferFrame(video));
  assert.equal(decodeTransferChunk(new Uint8Array([3, 0, 0])), undefined, "short");
  const oversized = new Uint8Array(TRANSFER_HEADER_BYTES + TRANSFER_CHUNK_BYTES + 1);
  oversized[0] = 3;
  assert.equal(decodeTransferChunk(oversized), undefined, "oversized");
});

Deno.test("transfer messages validate, and view-only viewers may send none", () => {
  assert.ok(sameShapes);
  const messages = [
    { t: "file-list", dir: "" },
    { t: "file-put", id: 1, dir: "a", name: "b.txt", size: 5 },
    { t: "file-get", id: 2, path: "a/b.txt" },
    { t: "file-got", id: 2, bytes: 131072 },
    { t: "file-cancel", id: 1 },
  ];
  for (const message of messages) {
    const parsed = parseClientMessage(JSON.stringify(message));
    assert.deepEqual(parsed, message);
    assert.equal(viewOnlyMaySend(parsed!.t), false, message.t);
  }
  assert.equal(parseClientMessage('{"t":"file-put","id":0,"dir":"","name":"x","size":1}'), undefined);
  assert.equal(parseClientMessage('{"t":"file-put","id":1,"dir":"","name":"x","size":-1}'), undefined);
  assert.equal(parseClientMessage('{"t":"file-get","id":1}'), undefined);
});
