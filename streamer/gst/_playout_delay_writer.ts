/**
 * The playout-delay extension's `write` method, run in a Web Worker of its own (see playout_delay.ts for why):
 * a streaming thread that calls it holds the payloader's lock and waits for the answer, so it must run on a
 * JavaScript thread that never waits for GStreamer itself.
 *
 * Protocol: the parent passes a SharedArrayBuffer of 16 bytes as `workerData`; this worker stores the callback's
 * address at byte 8 and sets the Int32 at byte 0 to 1 (notified). The callback keeps this worker alive; the
 * parent does not wait for it (`unref`), so a process that is done can still end.
 *
 * @module
 */
import { workerData } from "node:worker_threads";

/** Bytes of the extension's data: 12 bits minimum, 12 bits maximum delay, in 10 ms units. */
const SIZE = 3;

const write = Deno.UnsafeCallback.threadSafe(
  { parameters: ["pointer", "pointer", "u32", "pointer", "pointer", "usize"], result: "isize" } as const,
  (_ext, _input, _flags, _output, data, size) => {
    if (data === null || Number(size) < SIZE) return -1n;
    // min = max = 0: decode and draw at once.
    new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(data, SIZE)).fill(0);
    return BigInt(SIZE);
  },
);

const shared = workerData as SharedArrayBuffer;
new BigUint64Array(shared, 8, 1)[0] = BigInt(Deno.UnsafePointer.value(write.pointer));
const flag = new Int32Array(shared, 0, 1);
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
