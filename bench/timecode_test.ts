import assert from "node:assert/strict";
import { decodeTimeCode, elapsedSince, encodeTimeCode } from "./timecode.ts";

function render(bits: boolean[]): (c: number, r: number) => boolean {
  return (c, r) => (r === 0 ? bits[c] : !bits[c]);
}

Deno.test("a time code survives encode and decode for edge values", () => {
  for (const code of [{ time: 0, keys: 0 }, { time: 2 ** 24 - 1, keys: 15 }, { time: 1234567, keys: 9 }]) {
    assert.deepEqual(decodeTimeCode(render(encodeTimeCode(code))), code);
  }
});

Deno.test("a torn frame (complement row equal to the bit row) decodes to null", () => {
  const bits = encodeTimeCode({ time: 42, keys: 1 });
  assert.equal(decodeTimeCode((c) => bits[c]), null);
});

Deno.test("a frame without the sync blocks decodes to null", () => {
  const bits = encodeTimeCode({ time: 42, keys: 1 });
  bits[0] = false;
  assert.equal(decodeTimeCode(render(bits)), null);
  assert.equal(decodeTimeCode(() => false), null);
});

Deno.test("elapsedSince handles the 2^24 wrap and plain differences", () => {
  assert.equal(elapsedSince(100, 2 ** 30 + 130), 30);
  assert.equal(elapsedSince(2 ** 24 - 1, 2 ** 24 * 7 + 3), 4);
  assert.equal(elapsedSince(5, 5), 0);
});
