/**
 * Frames between the media worker and its parent over stdin/stdout: u32 length (big-endian, of what
 * follows), u8 type, payload. Media payloads start with u8 flags (bit 0 keyframe) and f64 pts in µs.
 *
 * @module
 */

/** Frame types. */
export const FrameType = { video: 1, audio: 2, control: 3 } as const;

/** Largest frame accepted (a 4K keyframe at high quality stays far below). */
export const MAX_FRAME_BYTES = 32 * 1024 * 1024;

/** One decoded IPC frame. */
export type IpcFrame =
  | { type: "video" | "audio"; key: boolean; timestampUs: number; payload: Uint8Array }
  | { type: "control"; message: Record<string, unknown> };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes one frame. */
export function encodeIpc(frame: IpcFrame): Uint8Array<ArrayBuffer> {
  if (frame.type === "control") {
    const body = encoder.encode(JSON.stringify(frame.message));
    const out = new Uint8Array(5 + body.byteLength);
    new DataView(out.buffer).setUint32(0, 1 + body.byteLength);
    out[4] = FrameType.control;
    out.set(body, 5);
    return out;
  }
  const out = new Uint8Array(14 + frame.payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, 10 + frame.payload.byteLength);
  out[4] = FrameType[frame.type];
  out[5] = frame.key ? 1 : 0;
  view.setFloat64(6, frame.timestampUs);
  out.set(frame.payload, 14);
  return out;
}

/**
 * Reads frames from a byte stream, one at a time: nothing is read ahead of the consumer, so a slow
 * consumer slows the writer (through the pipe) instead of growing a queue.
 */
export async function* readIpc(stream: ReadableStream<Uint8Array>): AsyncGenerator<IpcFrame> {
  const reader = stream.getReader();
  let buffered = new Uint8Array(0);
  const need = async (n: number): Promise<boolean> => {
    while (buffered.byteLength < n) {
      const { value, done } = await reader.read();
      if (done) return false;
      const joined = new Uint8Array(buffered.byteLength + value.byteLength);
      joined.set(buffered);
      joined.set(value, buffered.byteLength);
      buffered = joined;
    }
    return true;
  };
  try {
    while (await need(4)) {
      const length = new DataView(buffered.buffer, buffered.byteOffset).getUint32(0);
      if (length < 1 || length > MAX_FRAME_BYTES) throw new Error(`IPC frame of ${length} bytes`);
      if (!await need(4 + length)) return;
      const body = buffered.slice(4, 4 + length);
      buffered = buffered.subarray(4 + length);
      yield decodeBody(body);
    }
  } finally {
    reader.releaseLock();
  }
}

function decodeBody(body: Uint8Array): IpcFrame {
  const type = body[0];
  if (type === FrameType.control) {
    return { type: "control", message: JSON.parse(decoder.decode(body.subarray(1))) };
  }
  if ((type !== FrameType.video && type !== FrameType.audio) || body.byteLength < 10) {
    throw new Error(`bad IPC frame type ${type}`);
  }
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  return {
    type: type === FrameType.video ? "video" : "audio",
    key: (body[1] & 1) === 1,
    timestampUs: view.getFloat64(2),
    payload: body.subarray(10),
  };
}
