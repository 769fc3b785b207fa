/**
 * The zod-free half of the wire protocol (size limits and binary media framing), so the browser bundle
 * does not carry the validation library. protocol.ts re-exports all of it.
 *
 * @module
 */
import { wireBytes } from "./wire_size.ts";

/** Largest control message accepted, in bytes (clipboard included). */
export const MAX_CONTROL_BYTES = 256 * 1024;
/** Largest clipboard text accepted, in UTF-16 units (and its message must fit MAX_CONTROL_BYTES). */
export const MAX_CLIPBOARD_CHARS = 128 * 1024;

/**
 * The longest start of `text` that a `{t:"clip"}` message can carry: at most {@linkcode MAX_CLIPBOARD_CHARS}
 * characters, and the whole message at most {@linkcode MAX_CONTROL_BYTES} on the wire (UTF-8 with JSON's
 * escapes), never ending inside a surrogate pair. A long clipboard is cut, not refused: cut by characters
 * alone, 100 000 "€" made a 300 000-byte message that the streamer dropped whole.
 *
 * @example
 * ```ts
 * import { clipTextThatFits } from "./framing.ts";
 * clipTextThatFits("hello"); // "hello"
 * clipTextThatFits("€".repeat(100_000)).length; // 87_374: 3 bytes each, 262 144 with the message around them
 * ```
 */
export function clipTextThatFits(text: string): string {
  const fits = (end: number) =>
    wireBytes(JSON.stringify({ t: "clip", text: text.slice(0, end) })) <= MAX_CONTROL_BYTES;
  let end = Math.min(text.length, MAX_CLIPBOARD_CHARS);
  if (!fits(end)) {
    // The message grows with every character: find the longest start that fits.
    let low = 0, high = end;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (fits(mid)) low = mid;
      else high = mid - 1;
    }
    end = low;
  }
  // A high surrogate whose low half was cut off would reach the desktop as U+FFFD.
  const last = text.charCodeAt(end - 1);
  if (end < text.length && last >= 0xd800 && last < 0xdc00) end--;
  return text.slice(0, end);
}

/**
 * Kinds of binary media frame. Other binary frames on the viewer WebSocket: 3 a file transfer chunk
 * (transfer.ts's `TRANSFER_FRAME_KIND`), 4 the browser's microphone (microphone.ts's `MIC_FRAME_KIND`),
 * 5 a clipboard image chunk (clipboard_image.ts's `CLIP_IMAGE_FRAME_KIND`); a receiver ignores kinds it
 * does not know.
 */
export const MediaKind = { video: 1, audio: 2 } as const;
/** Size of the binary media header in bytes. */
export const MEDIA_HEADER_BYTES = 12;

/** One media frame on the WebSocket transport. */
export interface MediaFrame {
  /** `video` (H.264 Annex B access unit or VP8 frame) or `audio` (one Opus packet). */
  kind: "video" | "audio";
  /** Whether the frame is a keyframe (always true for audio). */
  key: boolean;
  /**
   * When the frame was captured, in microseconds since the Unix epoch on the streamer's clock (the age of
   * what a viewer shows is its own clock minus this, where the clocks agree).
   */
  timestampUs: number;
  /**
   * Video frame number, 0 to 65535 and wrapping (see pacing.ts): what the viewer acknowledges. 0 for audio
   * and for senders that do not number frames. @default {0}
   */
  seq?: number;
  /** Encoded bytes. */
  payload: Uint8Array;
}

/**
 * Encodes a media frame: byte 0 kind, byte 1 flags (bit 0 = keyframe), bytes 2-3 the frame number
 * (uint16, big-endian), bytes 4-11 capture time in microseconds (float64, big-endian), then the payload.
 *
 * @example
 * ```ts
 * import { decodeMediaFrame, encodeMediaFrame } from "./protocol.ts";
 * const bytes = encodeMediaFrame({ kind: "video", key: true, timestampUs: 1000, payload: new Uint8Array([1]) });
 * decodeMediaFrame(bytes)?.key; // true
 * ```
 */
export function encodeMediaFrame(frame: MediaFrame): Uint8Array {
  const out = new Uint8Array(MEDIA_HEADER_BYTES + frame.payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, MediaKind[frame.kind]);
  view.setUint8(1, frame.key ? 1 : 0);
  view.setUint16(2, (frame.seq ?? 0) & 0xffff);
  view.setFloat64(4, frame.timestampUs);
  out.set(frame.payload, MEDIA_HEADER_BYTES);
  return out;
}

/**
 * Decodes a binary media frame; `undefined` when it is too short or of an unknown kind.
 * The payload is a view into `bytes`, not a copy.
 *
 * @example
 * ```ts
 * import { decodeMediaFrame } from "./protocol.ts";
 * decodeMediaFrame(new Uint8Array(3)); // undefined
 * ```
 */
export function decodeMediaFrame(bytes: Uint8Array): MediaFrame | undefined {
  if (bytes.byteLength < MEDIA_HEADER_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kindByte = view.getUint8(0);
  const kind = kindByte === MediaKind.video ? "video" : kindByte === MediaKind.audio ? "audio" : undefined;
  if (!kind) return undefined;
  return {
    kind,
    key: (view.getUint8(1) & 1) === 1,
    timestampUs: view.getFloat64(4),
    seq: view.getUint16(2),
    payload: bytes.subarray(MEDIA_HEADER_BYTES),
  };
}
