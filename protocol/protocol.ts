/**
 * The selkies-hpc wire protocol, version 1: one module both ends import.
 *
 * - Text frames (WebSocket text message or data-channel string) carry one JSON control message.
 * - Binary frames (WebSocket only) carry media: a 12-byte header, then the payload.
 *
 * docs/protocol.md describes the same in prose.
 *
 * @module
 */
import { z } from "zod";

/** Protocol version; bumped on any incompatible change. */
export const PROTOCOL_VERSION = 1;
/** Largest control message accepted, in bytes (clipboard included). */
export const MAX_CONTROL_BYTES = 256 * 1024;
/** Largest clipboard text accepted, in characters. */
export const MAX_CLIPBOARD_CHARS = 128 * 1024;

const coord = z.number().int().min(-65536).max(65536);
const keysym = z.number().int().min(0).max(0x1fffffff);

/** Messages the browser sends to the streamer (input, control, signalling). */
export const ClientMessageSchema = z.discriminatedUnion("t", [
  /** Key down / key up, by X keysym. */
  z.object({ t: z.literal("kd"), k: keysym }),
  z.object({ t: z.literal("ku"), k: keysym }),
  /** Release every key and button the client pressed (focus lost). */
  z.object({ t: z.literal("reset") }),
  /** Pointer to an absolute screen position, in X pixels. */
  z.object({ t: z.literal("ma"), x: coord, y: coord }),
  /** Relative pointer motion (pointer lock). */
  z.object({ t: z.literal("mr"), dx: coord, dy: coord }),
  /** Button press (d=true) or release; 1 left, 2 middle, 3 right. */
  z.object({ t: z.literal("mb"), b: z.number().int().min(1).max(9), d: z.boolean() }),
  /** Wheel steps: positive dy scrolls down, positive dx scrolls right. */
  z.object({
    t: z.literal("mw"),
    dx: z.number().int().min(-100).max(100),
    dy: z.number().int().min(-100).max(100),
  }),
  /** Clipboard text from the browser to the desktop. */
  z.object({ t: z.literal("clip"), text: z.string().max(MAX_CLIPBOARD_CHARS) }),
  /** Ask for a new screen size (rounded down to even numbers by the server). */
  z.object({
    t: z.literal("resize"),
    w: z.number().int().min(64).max(7680),
    h: z.number().int().min(64).max(4320),
  }),
  /** Live encoder changes. */
  z.object({ t: z.literal("bitrate"), kbps: z.number().int().min(100).max(200_000) }),
  z.object({ t: z.literal("fps"), fps: z.number().int().min(1).max(120) }),
  /** Ask for a keyframe (decoder error, new viewer). */
  z.object({ t: z.literal("kf") }),
  /** Start a WebRTC session; the server answers with an offer. */
  z.object({ t: z.literal("webrtc") }),
  /** WebRTC answer from the browser. */
  z.object({ t: z.literal("sdp"), type: z.enum(["answer"]), sdp: z.string().max(64 * 1024) }),
  /** A trickled ICE candidate. */
  z.object({
    t: z.literal("ice"),
    candidate: z.string().max(2048),
    sdpMLineIndex: z.number().int().min(0).max(16),
  }),
  /** Client-side statistics (decoded fps, decode time), for logs and the benchmark. */
  z.object({
    t: z.literal("stats"),
    fps: z.number().min(0).max(1000),
    decodeMs: z.number().min(0).max(10_000),
  }),
]);

/** A validated message from the browser. */
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

/** Messages the streamer sends to the browser. */
export type ServerMessage =
  | {
    t: "hello";
    v: number;
    width: number;
    height: number;
    fps: number;
    /** WebCodecs codec string of the WebSocket video, e.g. `avc1.42e01f`. */
    codec: string;
    encoder: string;
    audio: boolean;
    /** Whether this viewer may send input (false for view-only links). */
    input: boolean;
    iceServers: { urls: string | string[]; username?: string; credential?: string }[];
  }
  | { t: "screen"; width: number; height: number }
  | { t: "cursor"; png: string; w: number; h: number; hx: number; hy: number }
  | { t: "cursor-hidden" }
  | { t: "clip"; text: string }
  | { t: "sdp"; type: "offer"; sdp: string }
  | { t: "ice"; candidate: string; sdpMLineIndex: number }
  | { t: "stats"; fps: number; kbps: number; encoder: string }
  | { t: "error"; message: string };

/**
 * Parses and validates one text control message from the browser.
 * Returns `undefined` (never throws) for anything malformed, oversized or unknown.
 *
 * @example
 * ```ts
 * import { parseClientMessage } from "./protocol.ts";
 * parseClientMessage('{"t":"kd","k":65}'); // { t: "kd", k: 65 }
 * parseClientMessage("garbage"); // undefined
 * ```
 */
export function parseClientMessage(text: string): ClientMessage | undefined {
  if (typeof text !== "string" || text.length > MAX_CONTROL_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = ClientMessageSchema.safeParse(value);
  return result.success ? result.data : undefined;
}

/** Kinds of binary media frame. */
export const MediaKind = { video: 1, audio: 2 } as const;
/** Size of the binary media header in bytes. */
export const MEDIA_HEADER_BYTES = 12;

/** One media frame on the WebSocket transport. */
export interface MediaFrame {
  /** `video` (H.264 Annex B access unit or VP8 frame) or `audio` (one Opus packet). */
  kind: "video" | "audio";
  /** Whether the frame is a keyframe (always true for audio). */
  key: boolean;
  /** Presentation time in microseconds. */
  timestampUs: number;
  /** Encoded bytes. */
  payload: Uint8Array;
}

/**
 * Encodes a media frame: byte 0 kind, byte 1 flags (bit 0 = keyframe), bytes 2-3 zero,
 * bytes 4-11 timestamp in microseconds (float64, big-endian), then the payload.
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
    payload: bytes.subarray(MEDIA_HEADER_BYTES),
  };
}
