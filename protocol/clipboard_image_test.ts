import assert from "node:assert/strict";
import {
  CLIP_IMAGE_CHUNK_BYTES,
  CLIP_IMAGE_HEADER_BYTES,
  encodeImageChunks,
  ImageAssembler,
  imageSizeProblem,
  isImageChunk,
  isPng,
  MAX_CLIPBOARD_IMAGE_BYTES,
  PNG_SIGNATURE,
} from "./clipboard_image.ts";
import { decodeMediaFrame, MAX_CONTROL_BYTES } from "./framing.ts";
import { isMicFrame } from "./microphone.ts";
import { isTransferFrame } from "./transfer.ts";

function fakePng(size: number): Uint8Array {
  const png = new Uint8Array(size);
  for (let i = 0; i < size; i++) png[i] = (i * 31 + 7) & 0xff;
  png.set(PNG_SIGNATURE);
  return png;
}

Deno.test("an image goes through chunks and back, each chunk inside a control message's size", () => {
  const png = fakePng(3 * CLIP_IMAGE_CHUNK_BYTES + 5);
  const frames = encodeImageChunks(42, png);
  assert.equal(frames.length, 4);
  const assembler = new ImageAssembler();
  for (const [i, frame] of frames.entries()) {
    assert.ok(isImageChunk(frame) && !isMicFrame(frame) && !isTransferFrame(frame));
    assert.equal(decodeMediaFrame(frame), undefined);
    assert.ok(frame.byteLength <= CLIP_IMAGE_HEADER_BYTES + CLIP_IMAGE_CHUNK_BYTES);
    assert.ok(frame.byteLength < MAX_CONTROL_BYTES);
    const result = assembler.push(frame);
    if (i < 3) assert.equal(result.state, "partial");
    else assert.deepEqual(result, { state: "done", png });
  }
  // A second image after the first, and a new image that starts over an unfinished one.
  const small = fakePng(100);
  assert.equal(assembler.push(encodeImageChunks(1, png)[0]).state, "partial");
  assert.deepEqual(assembler.push(encodeImageChunks(2, small)[0]), { state: "done", png: small });
});

Deno.test("oversized, out-of-order, foreign and non-PNG chunks are refused", () => {
  assert.throws(
    () => encodeImageChunks(1, new Uint8Array(MAX_CLIPBOARD_IMAGE_BYTES + 1)),
    /over the 8.0 MiB/,
  );
  assert.throws(() => encodeImageChunks(1, new Uint8Array(0)), /empty/);
  assert.equal(imageSizeProblem(MAX_CLIPBOARD_IMAGE_BYTES), undefined);
  const refused = (frame: Uint8Array, why: RegExp, before: Uint8Array[] = []) => {
    const assembler = new ImageAssembler();
    for (const b of before) assembler.push(b);
    const result = assembler.push(frame);
    assert.equal(result.state, "refused");
    assert.match(result.state === "refused" ? result.reason : "", why);
  };
  const frames = encodeImageChunks(9, fakePng(2 * CLIP_IMAGE_CHUNK_BYTES + 1));
  // A header claiming 9 MiB.
  const big = frames[0].slice();
  new DataView(big.buffer).setUint32(6, MAX_CLIPBOARD_IMAGE_BYTES + 1);
  refused(big, /over the 8.0 MiB limit/);
  // The refused image's later chunks are skipped quietly; the next image starts afresh.
  const quiet = new ImageAssembler();
  quiet.push(big);
  assert.deepEqual(quiet.push(frames[1]), { state: "skipped" });
  assert.equal(quiet.push(encodeImageChunks(10, fakePng(10))[0]).state, "done");
  refused(frames[1], /start was not received/);
  refused(frames[2], /out of order/, [frames[0]]);
  refused(frames[1], /start was not received/, [
    encodeImageChunks(8, fakePng(CLIP_IMAGE_CHUNK_BYTES + 1))[0],
  ]);
  refused(encodeImageChunks(3, new Uint8Array(20))[0], /not a PNG/);
  refused(new Uint8Array([5, 0, 0]), /not a clipboard image chunk/);
  const fat = new Uint8Array(CLIP_IMAGE_HEADER_BYTES + CLIP_IMAGE_CHUNK_BYTES + 1);
  fat[0] = 5;
  refused(fat, /over 128 KiB/);
  assert.ok(isPng(fakePng(9)) && !isPng(new Uint8Array(PNG_SIGNATURE)));
});
