/**
 * Valid binary frames of every kind the browser socket and the tunnel carry, built with the protocol's own
 * encoders, for the fuzzers to damage: media frames (framing.ts), hybrid screen updates
 * (screen_update.ts), file transfer chunks (transfer.ts) and tunnel stream frames (tunnel.ts).
 *
 * @module
 */
import { encodeMediaFrame } from "../../protocol/framing.ts";
import { type ScreenOp, ScreenUpdateWriter } from "../../protocol/screen_update.ts";
import { encodeTransferChunk, TRANSFER_CHUNK_BYTES } from "../../protocol/transfer.ts";
import { encodeStreamData } from "../../protocol/tunnel.ts";
import { mutateBytes, randomBytes, type Rng } from "./_gen.ts";

/**
 * A valid media frame (video or audio) with a random payload.
 *
 * @example
 * ```ts
 * import { validMediaFrame } from "./_frames.ts";
 * import { Rng } from "./_gen.ts";
 * validMediaFrame(new Rng(1)).byteLength >= 12; // true
 * ```
 */
export function validMediaFrame(rng: Rng): Uint8Array {
  return encodeMediaFrame({
    kind: rng.pick(["video", "audio"] as const),
    key: rng.chance(0.5),
    timestampUs: rng.chance(0.9) ? Date.now() * 1000 : rng.float() * 2 ** 60,
    seq: rng.int(0x10000),
    payload: randomBytes(rng, 512),
  });
}

function rect(rng: Rng, width: number, height: number) {
  const w = rng.between(1, width), h = rng.between(1, height);
  return { x: rng.int(width - w + 1), y: rng.int(height - h + 1), w, h };
}

/**
 * A valid hybrid screen update: a size, then copies, fills, images, video and codec operations inside it.
 *
 * @example
 * ```ts
 * import { validScreenUpdate } from "./_frames.ts";
 * import { decodeScreenUpdate } from "../../protocol/screen_update.ts";
 * import { Rng } from "./_gen.ts";
 * decodeScreenUpdate(validScreenUpdate(new Rng(1)).bytes).length > 0; // true
 * ```
 */
export function validScreenUpdate(rng: Rng): { bytes: Uint8Array; width: number; height: number } {
  const width = rng.pick([1, 64, 640, 1280, 3840, 65535]), height = rng.pick([1, 48, 480, 720, 2160, 65535]);
  const writer = new ScreenUpdateWriter().add({ op: "size", width, height });
  for (let n = rng.length(6); n > 0; n--) {
    const r = rect(rng, width, height);
    const ops: ScreenOp[] = [
      { op: "fill", ...r, rgb: [rng.int(256), rng.int(256), rng.int(256)] },
      {
        op: "copy",
        sx: r.x,
        sy: r.y,
        w: r.w,
        h: r.h,
        ...(({ x, y }) => ({ dx: x, dy: y }))(rect(rng, width, height)),
      },
      {
        op: "image",
        ...r,
        format: rng.pick(["png", "webp", "jpeg"] as const),
        lossless: rng.chance(0.5),
        data: randomBytes(rng, 256),
      },
      { op: "video", ...r, key: rng.chance(0.5), data: randomBytes(rng, 256) },
      { op: "codec", codec: rng.pick(["avc1.42e01f", "", "vp8", "x".repeat(255)]) },
    ];
    const op = rng.pick(ops);
    // A copy's destination must fit the source's size: keep it only when it does.
    if (op.op !== "copy" || (op.dx + op.w <= width && op.dy + op.h <= height)) writer.add(op);
  }
  return { bytes: writer.finish(), width, height };
}

/**
 * A valid file transfer chunk.
 *
 * @example
 * ```ts
 * import { validTransferChunk } from "./_frames.ts";
 * import { Rng } from "./_gen.ts";
 * validTransferChunk(new Rng(1))[0]; // 3
 * ```
 */
export function validTransferChunk(rng: Rng): Uint8Array {
  return encodeTransferChunk({
    id: rng.between(1, 0xffffffff),
    offset: rng.pick([0, TRANSFER_CHUNK_BYTES, 2 ** 48 - 1, rng.int(2 ** 40)]),
    data: randomBytes(rng, 1024),
  });
}

/**
 * A valid tunnel stream frame carrying a viewer's text or binary message.
 *
 * @example
 * ```ts
 * import { validStreamFrame } from "./_frames.ts";
 * import { Rng } from "./_gen.ts";
 * validStreamFrame(new Rng(1), 7).byteLength >= 5; // true
 * ```
 */
export function validStreamFrame(rng: Rng, id = rng.between(1, 8), text?: string): Uint8Array {
  return encodeStreamData(id, text ?? (rng.chance(0.5) ? validMediaFrame(rng) : '{"t":"kf"}'));
}

/**
 * One hostile binary frame for the browser socket: a valid frame of any kind, a damaged one, a truncation
 * or plain random bytes.
 *
 * @example
 * ```ts
 * import { hostileFrame } from "./_frames.ts";
 * import { Rng } from "./_gen.ts";
 * hostileFrame(new Rng(1)) instanceof Uint8Array; // true
 * ```
 */
export function hostileFrame(rng: Rng): Uint8Array {
  const valid = rng.pick([validMediaFrame, (r: Rng) => validScreenUpdate(r).bytes, validTransferChunk]);
  const bytes = valid(rng);
  switch (rng.int(4)) {
    case 0:
      return bytes;
    case 1:
      return bytes.slice(0, rng.int(bytes.byteLength + 1));
    case 2:
      return randomBytes(rng, 2048);
    default:
      return mutateBytes(rng, bytes);
  }
}
