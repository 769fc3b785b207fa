/**
 * The selkies-hpc tunnel protocol, version 1: how a streamer that dials out to the gateway
 * registers a session and carries its viewers' WebSockets as multiplexed streams.
 *
 * - Text frames carry one JSON control message ({@linkcode TunnelUpMessage} streamer -> gateway,
 *   {@linkcode TunnelDownMessage} gateway -> streamer).
 * - Binary frames carry stream data: byte 0 is {@linkcode StreamDataKind} (binary or text payload),
 *   bytes 1-4 the stream id (uint32, big-endian), then the payload, so both binary and text viewer
 *   messages pass unchanged.
 *
 * @module
 */
import { z } from "zod";
import { type IceServer, IceServerSchema } from "./ice.ts";
import { REGISTRATION_KEY_PATTERN } from "./session_id.ts";
import { exceedsBytes } from "./wire_size.ts";

/** Tunnel protocol version; bumped on any incompatible change (2: registrations carry the registration key). */
export const TUNNEL_VERSION = 2;
/** Path of the tunnel endpoint on the gateway. */
export const TUNNEL_PATH = "/tunnel";
/** Largest tunnel control message accepted, in bytes. */
export const MAX_TUNNEL_CONTROL_BYTES = 64 * 1024;
/** Largest stream data frame accepted on the tunnel, in bytes (a 4K keyframe fits). */
export const MAX_STREAM_FRAME_BYTES = 16 * 1024 * 1024;
/** Size of the stream data header in bytes. */
export const STREAM_HEADER_BYTES = 5;
/** Session ids: URL-safe, no dots or slashes, so they can never traverse a path. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** WebSocket close codes the tunnel uses. */
export const TunnelCloseCode = {
  /** The gateway is restarting: reconnect and register again. */
  restarting: 4001,
  /** A malformed or oversized frame. */
  protocol: 4002,
  /** The registration was refused (credential, job or user check failed): do not retry. */
  rejected: 4003,
  /** Another live streamer holds this session id. */
  duplicate: 4009,
  /** No answer to pings: the tunnel is presumed dead. */
  timeout: 4010,
} as const;

/** What a streamer claims when it registers. */
export const RegistrationSchema = z.object({
  /** SLURM job id. */
  jobId: z.string().regex(/^\d{1,12}(_\d{1,9})?$/),
  /** User name the job runs as. */
  user: z.string().regex(/^[a-z_][a-z0-9_.-]{0,63}\$?$/i),
  /** Short host name of the compute node the streamer runs on. */
  node: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/),
  /** Session id: derived from the session secret (protocol/session_id.ts), checked against `key`. */
  sessionId: z.string().regex(SESSION_ID_PATTERN),
  /** sha256 of the session secret, base64url: the gateway keeps only the hash. */
  tokenHash: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /** Streamer features, e.g. `websocket`, `webrtc`, `audio`. */
  capabilities: z.array(z.string().max(32)).max(16).default([]),
});
/** A streamer's registration claim. */
export type Registration = z.output<typeof RegistrationSchema>;

const streamId = z.number().int().min(1).max(0xffffffff);
const closeFields = { id: streamId, code: z.number().int().min(1000).max(4999).optional() };

/** Messages the streamer sends to the gateway. */
export const TunnelUpSchema = z.discriminatedUnion("t", [
  z.object({
    t: z.literal("register"),
    v: z.number().int(),
    reg: RegistrationSchema,
    /**
     * Registration key (protocol/session_id.ts): `reg.sessionId` must derive from it. Secret (it travels only
     * inside the TLS tunnel and is neither signed, logged nor stored); optional here only so that an older
     * streamer gets a clear version refusal instead of a parse error.
     */
    key: z.string().regex(REGISTRATION_KEY_PATTERN).optional(),
    /** Milliseconds since the epoch, bound into the MUNGE payload. */
    ts: z.number().int(),
    /** MUNGE credential whose payload is {@linkcode registrationPayload}. */
    cred: z.string().min(1).max(8192),
  }),
  z.object({ t: z.literal("close"), ...closeFields, reason: z.string().max(123).optional() }),
  z.object({ t: z.literal("ping"), n: z.number().int() }),
  z.object({ t: z.literal("pong"), n: z.number().int() }),
]);
/** A validated streamer -> gateway control message. */
export type TunnelUpMessage = z.output<typeof TunnelUpSchema>;
/** A validated `register` message. */
export type RegisterMessage = Extract<TunnelUpMessage, { t: "register" }>;

/** Messages the gateway sends to the streamer. */
export type TunnelDownMessage =
  | { t: "registered"; v: number; sessionUrl: string; iceServers: IceServer[] }
  | { t: "open"; id: number; viewOnly: boolean; user?: string }
  | { t: "close"; id: number; code?: number; reason?: string }
  | { t: "error"; message: string }
  | { t: "ping"; n: number }
  | { t: "pong"; n: number };

/**
 * The exact bytes a streamer signs with MUNGE: the registration fields and the timestamp,
 * in a fixed order, so the gateway can recompute and compare them.
 *
 * @example
 * ```ts
 * import { registrationPayload } from "./tunnel.ts";
 * registrationPayload({
 *   jobId: "42", user: "ada", node: "c1", sessionId: "abcdefgh", tokenHash: "x".repeat(43), capabilities: [],
 * }, 1700000000000);
 * ```
 */
export function registrationPayload(reg: Registration, ts: number): string {
  const { jobId, user, node, sessionId, tokenHash, capabilities } = reg;
  return JSON.stringify({ v: TUNNEL_VERSION, jobId, user, node, sessionId, tokenHash, capabilities, ts });
}

/**
 * Parses one text control message from the streamer; `undefined` (never throws) when malformed.
 *
 * @example
 * ```ts
 * import { parseTunnelUp } from "./tunnel.ts";
 * parseTunnelUp('{"t":"ping","n":1}'); // { t: "ping", n: 1 }
 * parseTunnelUp("{"); // undefined
 * ```
 */
export function parseTunnelUp(text: string): TunnelUpMessage | undefined {
  return parseJson(text, (v) => TunnelUpSchema.safeParse(v));
}

const DownSchema = z.discriminatedUnion("t", [
  z.object({
    t: z.literal("registered"),
    v: z.number().int(),
    sessionUrl: z.string(),
    iceServers: z.array(IceServerSchema),
  }),
  z.object({ t: z.literal("open"), id: streamId, viewOnly: z.boolean(), user: z.string().optional() }),
  z.object({ t: z.literal("close"), ...closeFields, reason: z.string().optional() }),
  z.object({ t: z.literal("error"), message: z.string() }),
  z.object({ t: z.literal("ping"), n: z.number().int() }),
  z.object({ t: z.literal("pong"), n: z.number().int() }),
]);

/**
 * Parses one text control message from the gateway; `undefined` (never throws) when malformed.
 *
 * @example
 * ```ts
 * import { parseTunnelDown } from "./tunnel.ts";
 * parseTunnelDown('{"t":"open","id":1,"viewOnly":false}')?.t; // "open"
 * ```
 */
export function parseTunnelDown(text: string): TunnelDownMessage | undefined {
  return parseJson(text, (v) => DownSchema.safeParse(v));
}

function parseJson<T>(text: string, check: (v: unknown) => { success: boolean; data?: T }): T | undefined {
  if (typeof text !== "string" || exceedsBytes(text, MAX_TUNNEL_CONTROL_BYTES)) return undefined;
  try {
    const result = check(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/** Payload kinds of a stream data frame. */
export const StreamDataKind = { binary: 1, text: 2 } as const;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Wraps one viewer message (text or binary) into a tunnel data frame for stream `id`.
 *
 * @example
 * ```ts
 * import { decodeStreamData, encodeStreamData } from "./tunnel.ts";
 * decodeStreamData(encodeStreamData(7, "hi")); // { id: 7, data: "hi" }
 * ```
 */
export function encodeStreamData(id: number, data: string | Uint8Array): Uint8Array {
  const payload = typeof data === "string" ? utf8.encode(data) : data;
  const out = new Uint8Array(STREAM_HEADER_BYTES + payload.byteLength);
  out[0] = typeof data === "string" ? StreamDataKind.text : StreamDataKind.binary;
  new DataView(out.buffer).setUint32(1, id);
  out.set(payload, STREAM_HEADER_BYTES);
  return out;
}

/**
 * Unwraps a tunnel data frame; `undefined` (never throws) when short, oversized, of an unknown
 * kind, for stream 0, or text that is not UTF-8. Binary payloads are views, not copies.
 *
 * @example
 * ```ts
 * import { decodeStreamData } from "./tunnel.ts";
 * decodeStreamData(new Uint8Array([9, 0, 0, 0, 1])); // undefined
 * ```
 */
export function decodeStreamData(bytes: Uint8Array): { id: number; data: string | Uint8Array } | undefined {
  if (bytes.byteLength < STREAM_HEADER_BYTES || bytes.byteLength > MAX_STREAM_FRAME_BYTES) return undefined;
  const id = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
  if (id === 0) return undefined;
  const payload = bytes.subarray(STREAM_HEADER_BYTES);
  if (bytes[0] === StreamDataKind.binary) return { id, data: payload };
  if (bytes[0] !== StreamDataKind.text) return undefined;
  try {
    return { id, data: fromUtf8.decode(payload) };
  } catch {
    return undefined;
  }
}

/** The keyframe gate every media sender shares (defined once, in keyframe_gate.ts). */
export { type GateDecision, KeyframeGate } from "./keyframe_gate.ts";
