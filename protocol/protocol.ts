/**
 * The selkies-hpc wire protocol, version 1: one module both ends import.
 *
 * - Text frames (WebSocket text message or data-channel string) carry one JSON control message.
 * - Binary frames (WebSocket only) carry media: a 12-byte header, then the payload (framing.ts).
 *
 * docs/protocol.md describes the same in prose.
 *
 * @module
 */
import { z } from "zod";
import { MAX_CLIPBOARD_CHARS, MAX_CONTROL_BYTES } from "./framing.ts";
import type { IceServer } from "./ice.ts";
import type { JobStatusMessage, SessionEndMessage } from "./job.ts";
import type { Limit } from "./limit.ts";
import type { TelemetryMessage } from "./telemetry.ts";
import { exceedsBytes } from "./wire_size.ts";
import {
  MAX_PATH_BYTES,
  TRANSFER_FRAME_KIND,
  type TransferHello,
  type TransferServerMessage,
} from "./transfer.ts";
import { MIC_FRAME_KIND } from "./microphone.ts";
import { CLIP_IMAGE_FRAME_KIND } from "./clipboard_image.ts";
import { SCREEN_LIMITS } from "./screen.ts";
import { MAX_TEXT_CHARS } from "./keysym.ts";

export * from "./framing.ts";
export * from "./version.ts";
export * from "./wire_size.ts";
export * from "./pacing.ts";
export * from "./job.ts";
export * from "./telemetry.ts";

const coord = z.number().int().min(-65536).max(65536);
const keysym = z.number().int().min(0).max(0x1fffffff);
const transferId = z.number().int().min(1).max(0xffffffff);
// Names and paths are checked by the streamer (transfer.ts), which says what is wrong with them.
const transferPath = z.string().max(MAX_PATH_BYTES);

/** Messages the browser sends to the streamer (input, control, signalling). */
export const ClientMessageSchema = z.discriminatedUnion("t", [
  /** Key down / key up, by X keysym. */
  z.object({ t: z.literal("kd"), k: keysym }),
  z.object({ t: z.literal("ku"), k: keysym }),
  /** Committed text (an IME composition, a phone keyboard's word): typed as one keysym per character. */
  z.object({ t: z.literal("text"), s: z.string().min(1).max(MAX_TEXT_CHARS) }),
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
    w: z.number().int().min(SCREEN_LIMITS.minWidth).max(SCREEN_LIMITS.maxWidth),
    h: z.number().int().min(SCREEN_LIMITS.minHeight).max(SCREEN_LIMITS.maxHeight),
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
  /**
   * Done with video frame `seq` and every older frame: `drawn`, or dropped (a newer frame was there, or the
   * decoder waits for a keyframe); `ms` is how long it spent in the browser, from arrival to done. Paces the
   * sender (pacing.ts).
   */
  z.object({
    t: z.literal("ack"),
    seq: z.number().int().min(0).max(0xffff),
    ms: z.number().min(0).max(60_000),
    drawn: z.boolean(),
  }),
  /** Client-side statistics (decoded fps, decode time), for logs and the benchmark. */
  z.object({
    t: z.literal("stats"),
    fps: z.number().min(0).max(1000),
    decodeMs: z.number().min(0).max(10_000),
  }),
  /** File transfer (transfer.ts): list a folder, start an upload or a download, acknowledge, cancel. */
  z.object({ t: z.literal("file-list"), dir: transferPath }),
  z.object({
    t: z.literal("file-put"),
    id: transferId,
    dir: transferPath,
    name: z.string().max(MAX_PATH_BYTES),
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  }),
  z.object({ t: z.literal("file-get"), id: transferId, path: transferPath }),
  z.object({
    t: z.literal("file-got"),
    id: transferId,
    bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  }),
  z.object({ t: z.literal("file-cancel"), id: transferId }),
  /** Turn this viewer's microphone on (it takes over from any other viewer's) or off (microphone.ts). */
  z.object({ t: z.literal("mic"), on: z.boolean() }),
]);

/** A validated message from the browser. */
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

/**
 * What a client message does, which decides who may send it:
 * - `input`: keyboard and pointer (over the WebRTC `input` data channel while it is open);
 * - `desktop`: changes the desktop or the stream for every viewer (clipboard, screen size, encoder);
 * - `viewer`: concerns only the sender's own stream (keyframes, statistics, its WebRTC peer's signalling);
 * - `files`: reads or writes the job's files (file transfer, transfer.ts; its binary chunks likewise).
 *
 * The browser's binary frames other than file chunks are `desktop`: microphone packets (microphone.ts) and
 * clipboard images (clipboard_image.ts).
 */
export type ClientMessageCategory = "input" | "desktop" | "viewer" | "files";

/**
 * The category of every client message type; a new message type does not compile until it has one.
 *
 * @example
 * ```ts
 * import { CLIENT_MESSAGE_CATEGORIES } from "./protocol.ts";
 * CLIENT_MESSAGE_CATEGORIES.kd; // "input"
 * ```
 */
export const CLIENT_MESSAGE_CATEGORIES = {
  kd: "input",
  ku: "input",
  text: "input",
  reset: "input",
  ma: "input",
  mr: "input",
  mb: "input",
  mw: "input",
  clip: "desktop",
  resize: "desktop",
  bitrate: "desktop",
  fps: "desktop",
  kf: "viewer",
  webrtc: "viewer",
  sdp: "viewer",
  ice: "viewer",
  ack: "viewer",
  stats: "viewer",
  "file-list": "files",
  "file-put": "files",
  "file-get": "files",
  "file-got": "files",
  "file-cancel": "files",
  mic: "desktop",
} as const satisfies Record<ClientMessage["t"], ClientMessageCategory>;

/**
 * Whether a view-only viewer may send a message of this type: only what concerns its own stream, WebRTC
 * signalling included (its peer's data channel is subject to the same rule). The gateway's relay and the
 * streamer both ask this, so a view-only link gets the same transports as the owner's.
 *
 * @example
 * ```ts
 * import { viewOnlyMaySend } from "./protocol.ts";
 * viewOnlyMaySend("webrtc"); // true
 * viewOnlyMaySend("kd"); // false
 * ```
 */
export function viewOnlyMaySend(type: ClientMessage["t"]): boolean {
  return Object.hasOwn(CLIENT_MESSAGE_CATEGORIES, type) && CLIENT_MESSAGE_CATEGORIES[type] === "viewer";
}

/**
 * The category of a binary frame from the browser, by its kind byte, or `undefined` for a kind the browser
 * never sends: file chunks are `files`, microphone packets and clipboard images `desktop`. A view-only
 * viewer may send none of them (the gateway's relay and the streamer both ask).
 *
 * @example
 * ```ts
 * import { binaryFrameCategory } from "./protocol.ts";
 * binaryFrameCategory(new Uint8Array([4, 0])); // "desktop"
 * ```
 */
export function binaryFrameCategory(bytes: Uint8Array): ClientMessageCategory | undefined {
  switch (bytes[0]) {
    case TRANSFER_FRAME_KIND:
      return "files";
    case MIC_FRAME_KIND:
    case CLIP_IMAGE_FRAME_KIND:
      return "desktop";
    default:
      return undefined;
  }
}

/** How the streamer's WebSocket media reaches one viewer (what the overlay and `/metrics` show). */
export interface Delivery {
  /** Whether the viewer acknowledges frames (is paced), see pacing.ts. */
  paced: boolean;
  /** Frames acknowledged per second over the last second: what the viewer actually drew. */
  fps: number;
  /** Frames sent and not yet acknowledged. */
  inFlight: number;
  /** Frames allowed in flight now. */
  window: number;
  /** Smallest network round trip seen lately, ms (the browser's own time on each frame left out). */
  rttMs: number;
  /** The browser's own time per frame lately, arrival to drawn or dropped, ms (decoding, drawing, waiting). */
  browserMs: number;
  /** Capture to drawn of the frames acknowledged lately, ms: an estimate on the streamer's clock alone. */
  latencyMs: number;
  /** Video frames this viewer skipped so far (to the next keyframe: slow or congested). */
  skipped: number;
  /** The stage that limits this viewer's frame rate now (limit.ts). */
  limit: Limit;
}

/** Messages the streamer sends to the browser. */
export type ServerMessage =
  | {
    t: "hello";
    /** The streamer's `PROTOCOL_VERSION` (version.ts); the client refuses another with `versionMismatch`. */
    v: number;
    width: number;
    height: number;
    fps: number;
    /**
     * The session's bitrate cap in kbit/s (its configured bitrate): a viewer that adapts to its network
     * (web/client/adapt.ts) lowers the bitrate from here and never asks above it. Absent from older servers.
     */
    maxKbps?: number;
    /** WebCodecs codec string of the WebSocket video, e.g. `avc1.42e01f`. */
    codec: string;
    encoder: string;
    audio: boolean;
    /** Whether this viewer may send input (false for view-only links). */
    input: boolean;
    /** The session's transport preference; a `?transport=` in the page URL wins over it. */
    transport?: "auto" | "webrtc" | "websocket";
    iceServers: IceServer[];
    /** File transfer for this viewer (absent: turned off, view-only, or an older server). */
    transfer?: TransferHello;
    /** Whether this viewer may send its microphone (the session has audio; never view-only). */
    mic?: boolean;
  }
  | { t: "screen"; width: number; height: number }
  | { t: "cursor"; png: string; w: number; h: number; hx: number; hy: number }
  | { t: "cursor-hidden" }
  | { t: "clip"; text: string }
  /** This viewer's microphone is live (`on`) or was turned off, and why (another viewer took over). */
  | { t: "mic"; on: boolean; message?: string }
  | { t: "sdp"; type: "offer"; sdp: string }
  | { t: "ice"; candidate: string; sdpMLineIndex: number }
  /** Once a second to each viewer of WebSocket media: the encoder's rate, and this viewer's delivery. */
  | { t: "stats"; fps: number; kbps: number; encoder: string; delivery?: Delivery }
  | { t: "error"; message: string }
  /** Something the user should know, e.g. that the job's time limit is near. */
  | { t: "notice"; message: string }
  /** The job's end time and the site's warning thresholds (job.ts). */
  | JobStatusMessage
  /** The session has ended, and why: the client shows its end screen instead of reconnecting (job.ts). */
  | SessionEndMessage
  /** The job's CPU, memory and GPU use against its allocation, every ~2 s while watched (telemetry.ts). */
  | TelemetryMessage
  /** File transfer answers (transfer.ts). */
  | TransferServerMessage;

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
  if (typeof text !== "string" || exceedsBytes(text, MAX_CONTROL_BYTES)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = ClientMessageSchema.safeParse(value);
  return result.success ? result.data : undefined;
}
