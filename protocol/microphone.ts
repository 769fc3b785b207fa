/**
 * The browser's microphone on the viewer WebSocket: one home for both ends (zod-free: the browser bundle
 * imports it; protocol.ts validates the `mic` control message).
 *
 * - The browser encodes Opus (WebCodecs `AudioEncoder`, {@linkcode MIC_SAMPLE_RATE} Hz mono,
 *   {@linkcode MIC_FRAME_MS} ms frames) and sends each packet as a binary frame of kind
 *   {@linkcode MIC_FRAME_KIND}: the media frame's 12-byte layout (framing.ts: kind, flags 0, a packet number
 *   uint16, the capture time in microseconds float64, all big-endian), then one Opus packet of at most
 *   {@linkcode MIC_MAX_PACKET_BYTES}. Kinds 1-3 are video, audio and file chunks, so an older streamer drops
 *   these as malformed and an older client never sees them.
 * - `{t:"mic", on}` from the browser asks for (or gives up) the session's microphone; only one viewer's
 *   microphone plays at a time and the LAST one to turn it on wins: the previous holder hears
 *   `{t:"mic", on:false, message}` and its page shows the microphone off. Packets of anyone else are dropped.
 * - View-only viewers may not send either (category `desktop`: refused by the gateway and the streamer).
 *
 * @module
 */

/** Kind byte of a microphone frame (after video 1, audio 2 and transfer chunks 3). */
export const MIC_FRAME_KIND = 4;
/** Size of a microphone frame's header in bytes (the media frame's). */
export const MIC_HEADER_BYTES = 12;
/** Most Opus bytes in one frame: a 20 ms Opus frame is at most 1275 bytes (RFC 6716). */
export const MIC_MAX_PACKET_BYTES = 1500;
/** The microphone's sample rate, Hz (Opus's own). */
export const MIC_SAMPLE_RATE = 48000;
/** Length of one Opus frame, ms: a packet every 20 ms. */
export const MIC_FRAME_MS = 20;
/** Opus bitrate the browser asks for, bit/s: plenty for speech in mono. */
export const MIC_BITRATE = 32000;

/** One Opus packet of the browser's microphone. */
export interface MicPacket {
  /** Packet number, 0 to 65535 and wrapping (the streamer's RTP sequence number). */
  seq: number;
  /** Capture time of the packet's first sample, in microseconds on the browser's clock. */
  timestampUs: number;
  /** One Opus packet (a view, not a copy, when decoded). */
  payload: Uint8Array;
}

/**
 * Encodes a microphone frame.
 *
 * @example
 * ```ts
 * import { decodeMicFrame, encodeMicFrame } from "./microphone.ts";
 * const bytes = encodeMicFrame({ seq: 1, timestampUs: 20_000, payload: new Uint8Array([0xf8]) });
 * decodeMicFrame(bytes)?.seq; // 1
 * ```
 */
export function encodeMicFrame(packet: MicPacket): Uint8Array {
  const out = new Uint8Array(MIC_HEADER_BYTES + packet.payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, MIC_FRAME_KIND);
  view.setUint16(2, packet.seq & 0xffff);
  view.setFloat64(4, packet.timestampUs);
  out.set(packet.payload, MIC_HEADER_BYTES);
  return out;
}

/**
 * Decodes a microphone frame; `undefined` (never throws) for another kind, a frame without payload, one
 * over {@linkcode MIC_MAX_PACKET_BYTES}, or a time that is not a finite number of microseconds.
 *
 * @example
 * ```ts
 * import { decodeMicFrame } from "./microphone.ts";
 * decodeMicFrame(new Uint8Array([4, 0, 0])); // undefined: too short
 * ```
 */
export function decodeMicFrame(bytes: Uint8Array): MicPacket | undefined {
  if (bytes.byteLength <= MIC_HEADER_BYTES || bytes[0] !== MIC_FRAME_KIND) return undefined;
  if (bytes.byteLength - MIC_HEADER_BYTES > MIC_MAX_PACKET_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const timestampUs = view.getFloat64(4);
  if (!Number.isFinite(timestampUs)) return undefined;
  return { seq: view.getUint16(2), timestampUs, payload: bytes.subarray(MIC_HEADER_BYTES) };
}

/**
 * Whether a binary frame is a microphone frame (by its kind byte alone).
 *
 * @example
 * ```ts
 * import { isMicFrame } from "./microphone.ts";
 * isMicFrame(new Uint8Array([4])); // true
 * ```
 */
export function isMicFrame(bytes: Uint8Array): boolean {
  return bytes.byteLength > 0 && bytes[0] === MIC_FRAME_KIND;
}
