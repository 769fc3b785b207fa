import assert from "node:assert/strict";
import { decodeStreamData, encodeStreamData, MAX_STREAM_FRAME_BYTES } from "./tunnel.ts";

Deno.test("stream data frames round-trip and refuse malformed input", () => {
  assert.deepEqual(decodeStreamData(encodeStreamData(0xffffffff, "é")), { id: 0xffffffff, data: "é" });
  const bin = decodeStreamData(encodeStreamData(3, new Uint8Array([9, 8])));
  assert.deepEqual([...(bin?.data as Uint8Array)], [9, 8]);
  assert.equal(decodeStreamData(encodeStreamData(0, "x")), undefined);
  assert.equal(decodeStreamData(new Uint8Array([2, 0, 0, 0, 1, 0xc3])), undefined); // truncated UTF-8
  assert.equal(decodeStreamData(new Uint8Array(MAX_STREAM_FRAME_BYTES + 1)), undefined);
});
