/**
 * Synthetic media streams for the scale benchmark: a streamer side that sends numbered video frames at a
 * set bit rate under the receiver-paced window (protocol/pacing.ts: at most `pacingWindow` frames
 * unacknowledged, a frame with no room is skipped), and a viewer that acknowledges every frame as the
 * browser client does and records each frame's age on arrival (its capture timestamp vs now; both ends
 * share this process's clock).
 *
 * @module
 */
import {
  decodeMediaFrame,
  encodeMediaFrame,
  MEDIA_HEADER_BYTES,
  pacingWindow,
  parseClientMessage,
  SEQ_MODULO,
  seqDistance,
} from "../protocol/protocol.ts";
import type { ViewerSocket } from "../streamer/tunnel/mod.ts";
import { openSocket } from "../tests/harness/gateway.ts";

/** Options for {@linkcode startPacedSender}. */
export interface PacedSenderOptions {
  /** Bits per second of video. @default {5_000_000} */
  bitrate?: number;
  /** Frames per second. @default {30} */
  fps?: number;
  /** Frames between keyframes (sent 4 times the size of the others). @default {60} */
  gop?: number;
}

/** A running synthetic sender. */
export interface PacedSender {
  /** Frames skipped because the viewer's window was full. */
  readonly skipped: number;
  /** Frames sent. */
  readonly sent: number;
  /** Stops sending. */
  stop(): void;
}

const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;

/**
 * Sends paced frames to one viewer (the streamer side of a tunnel stream) until stopped.
 *
 * @example
 * ```ts
 * import { startPacedSender } from "./_scale_stream.ts";
 * import type { ViewerSocket } from "../streamer/tunnel/mod.ts";
 * declare const viewer: ViewerSocket;
 * const sender = startPacedSender(viewer, { bitrate: 5e6 });
 * sender.stop();
 * ```
 */
export function startPacedSender(socket: ViewerSocket, options: PacedSenderOptions = {}): PacedSender {
  const fps = options.fps ?? 30, gop = options.gop ?? 60;
  const perFrame = (options.bitrate ?? 5_000_000) / 8 / fps;
  // Keyframes 4x the delta frames, averaging to the bit rate over a GOP.
  const deltaBytes = Math.round((perFrame * gop) / (gop + 3));
  const payloads = { key: new Uint8Array(deltaBytes * 4), delta: new Uint8Array(deltaBytes) };
  // Random bytes, so nothing on the path could compress them.
  for (const p of [payloads.key, payloads.delta]) {
    for (let i = 0; i < p.length; i += 65536) crypto.getRandomValues(p.subarray(i, i + 65536));
  }
  let seq = 0, acked = -1, sent = 0, skipped = 0, rttMs = 0;
  const sentAt = new Map<number, number>();
  socket.onMessage((data) => {
    if (typeof data !== "string") return;
    const msg = parseClientMessage(data);
    if (msg?.t !== "ack") return;
    const at = sentAt.get(msg.seq);
    if (at !== undefined) {
      const rtt = performance.now() - at - msg.ms;
      rttMs = rttMs === 0 ? rtt : Math.min(rttMs, rtt);
    }
    acked = msg.seq;
    // An ack covers every older frame.
    for (const s of sentAt.keys()) if (seqDistance(s, acked) < SEQ_MODULO / 2) sentAt.delete(s);
  });
  const tick = () => {
    const lastSent = (seq + SEQ_MODULO - 1) % SEQ_MODULO;
    const inFlight = acked < 0 ? sent : seqDistance(acked, lastSent);
    if (sent > 0 && inFlight >= pacingWindow(rttMs, fps, true)) {
      skipped++;
      return;
    }
    const key = sent % gop === 0;
    try {
      socket.send(encodeMediaFrame({
        kind: "video",
        key,
        seq,
        timestampUs: nowUs(),
        payload: key ? payloads.key : payloads.delta,
      }));
    } catch {
      return; // the stream ended
    }
    sentAt.set(seq, performance.now());
    seq = (seq + 1) % SEQ_MODULO;
    sent++;
  };
  const timer = setInterval(tick, 1000 / fps);
  return {
    get skipped() {
      return skipped;
    },
    get sent() {
      return sent;
    },
    stop: () => clearInterval(timer),
  };
}

/** What one synthetic viewer received while recording. */
export interface ViewerStats {
  /** Payload bytes received while recording. */
  bytes: number;
  /** Frame age on arrival (ms) of every frame received while recording. */
  agesMs: number[];
}

/** A synthetic viewer. */
export interface SyntheticViewer {
  /** Starts (or restarts) recording: clears the counters. */
  record(): void;
  /** What was received since `record()`. */
  stats(): ViewerStats;
  /** Closes the socket. */
  close(): void;
}

/**
 * Signs in with the session token and opens a viewer WebSocket that acknowledges every video frame.
 *
 * @example
 * ```ts
 * import { openSyntheticViewer } from "./_scale_stream.ts";
 * const viewer = await openSyntheticViewer("http://127.0.0.1:8080/s/abcdefgh/", "the token");
 * viewer.record();
 * ```
 */
export async function openSyntheticViewer(sessionUrl: string, token: string): Promise<SyntheticViewer> {
  const login = await fetch(`${sessionUrl}?token=${token}`, { redirect: "manual" });
  await login.body?.cancel();
  const cookie = login.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`sign-in at ${sessionUrl} failed: ${login.status}`);
  const { ws, opened } = openSocket(`${sessionUrl.replace(/^http/, "ws")}ws`, {
    origin: new URL(sessionUrl).origin,
    cookie,
  });
  await opened;
  let stats: ViewerStats = { bytes: 0, agesMs: [] };
  ws.onmessage = (event) => {
    if (typeof event.data === "string") return;
    const bytes = new Uint8Array(event.data as ArrayBuffer);
    const frame = decodeMediaFrame(bytes);
    if (frame?.kind !== "video") return;
    stats.agesMs.push((nowUs() - frame.timestampUs) / 1000);
    stats.bytes += bytes.byteLength - MEDIA_HEADER_BYTES;
    ws.send(JSON.stringify({ t: "ack", seq: frame.seq ?? 0, ms: 0, drawn: true }));
  };
  return {
    record: () => stats = { bytes: 0, agesMs: [] },
    stats: () => stats,
    close: () => ws.close(),
  };
}
