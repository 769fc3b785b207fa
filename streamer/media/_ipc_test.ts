import assert from "node:assert/strict";
import { encodeIpc, type IpcFrame, readIpc } from "./_ipc.ts";

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}

Deno.test("IPC frames survive arbitrary chunking", async () => {
  const frames: IpcFrame[] = [
    { type: "video", key: true, timestampUs: 33_333, payload: new Uint8Array([0, 0, 0, 1, 0x65]) },
    { type: "control", message: { t: "bitrate", kbps: 3000 } },
    { type: "audio", key: true, timestampUs: 10_000, payload: new Uint8Array(300).fill(7) },
  ];
  const bytes = new Uint8Array(frames.flatMap((f) => [...encodeIpc(f)]));
  const chunks = [];
  for (let i = 0; i < bytes.length; i += 3) chunks.push(bytes.slice(i, i + 3));
  const got = [];
  for await (const f of readIpc(streamOf(chunks))) got.push(f);
  assert.deepEqual(got, frames);
});

Deno.test("IPC rejects an absurd length instead of buffering it", async () => {
  const bad = new Uint8Array([0xff, 0xff, 0xff, 0xff, 1]);
  await assert.rejects(async () => {
    for await (const _ of readIpc(streamOf([bad]))) { /* drain */ }
  }, /IPC frame of/);
});
