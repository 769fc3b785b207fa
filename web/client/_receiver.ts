/**
 * What a WebRTC receiver's `getStats()` says once a second, as the overlay shows it for the WebSocket
 * transport: frames drawn per second, frames in the browser not yet drawn, a latency estimate and the stage
 * that limits (protocol/limit.ts's stages and order), plus the sample the adapter judges (adapt.ts). Pure: webrtc.ts reads
 * the counters, this does the arithmetic.
 *
 * @module
 */
import type { Limit } from "../../protocol/limit.ts";
import type { ReceiverSample } from "./adapt.ts";

/** Receiver counters, summed over the video (frames) and all (packets) inbound streams; cumulative. */
export interface Counters {
  /** When read, ms (`performance.now()`). */
  at: number;
  framesReceived: number;
  framesDecoded: number;
  framesDropped: number;
  /** Seconds spent decoding, all frames. */
  decodeS: number;
  /** Seconds from each frame's first packet to decoded (jitter buffer, waiting for packets, decoding). */
  processingS: number;
  /** Frames presented (the page's video frame callbacks). */
  framesPresented: number;
  packetsReceived: number;
  packetsLost: number;
  /** Round trip of the selected candidate pair, ms, when known. */
  rttMs?: number;
}

/** One second of a WebRTC receiver, as the overlay shows it. */
export interface ReceiverDelivery {
  /** The counters' differences (what the adapter judges). */
  sample: ReceiverSample;
  /** Frames presented per second. */
  fps: number;
  /** Frames arrived and not yet decoded or dropped (this browser's queue). */
  queued: number;
  /**
   * Half the round trip plus the browser's time per frame (first packet to decoded), ms: the part of
   * glass-to-glass this browser can see (capture, encode and sending, ~25-30 ms measured, are not in it).
   */
  latencyMs: number;
  /** The stage that limits: loss is the network's, dropped frames or slow decoding this browser's. */
  limit: Limit;
}

/**
 * Reads one interval of a WebRTC receiver; `askedFps` is the rate the encoder is asked for.
 *
 * @example
 * ```ts
 * import { receiverDelivery } from "./_receiver.ts";
 * const zero = { at: 0, framesReceived: 0, framesDecoded: 0, framesDropped: 0, decodeS: 0, processingS: 0,
 *   framesPresented: 0, packetsReceived: 0, packetsLost: 0 };
 * const now = { ...zero, at: 1000, framesReceived: 30, framesDecoded: 30, decodeS: 0.09, processingS: 0.3,
 *   framesPresented: 30, packetsReceived: 300, rttMs: 2 };
 * receiverDelivery(zero, now, 30).limit; // "none"
 * receiverDelivery(zero, now, 30).latencyMs; // 11
 * ```
 */
export function receiverDelivery(last: Counters, now: Counters, askedFps: number): ReceiverDelivery {
  const seconds = Math.max(0.001, (now.at - last.at) / 1000);
  const decoded = now.framesDecoded - last.framesDecoded;
  const received = now.framesReceived - last.framesReceived;
  const sample: ReceiverSample = {
    seconds,
    framesReceived: received,
    framesDecoded: decoded,
    framesDropped: now.framesDropped - last.framesDropped,
    decodeMs: decoded > 0 ? ((now.decodeS - last.decodeS) * 1000) / decoded : 0,
    packetsReceived: Math.max(0, now.packetsReceived - last.packetsReceived),
    packetsLost: Math.max(0, now.packetsLost - last.packetsLost),
    rttMs: now.rttMs,
  };
  const processingMs = decoded > 0 ? ((now.processingS - last.processingS) * 1000) / decoded : 0;
  const fps = (now.framesPresented - last.framesPresented) / seconds;
  const packets = sample.packetsReceived + sample.packetsLost;
  const asked = Math.max(1, askedFps);
  // limit.ts's order, with the receiver's own evidence of who made frames wait (the adapter's thresholds):
  // lost packets are the network's, dropped frames and decoding slower than a frame interval this browser's.
  const limit: Limit = fps >= 0.9 * asked
    ? "none"
    : packets > 0 && sample.packetsLost / packets > 0.02
    ? "network"
    : sample.framesDropped / Math.max(1, received) > 0.1 || sample.decodeMs > 1000 / asked
    ? "decode"
    : received > 0 && received / seconds < 0.9 * asked // none at all: an idle (damage-gated) screen
    ? "encode"
    : "none";
  return {
    sample,
    fps: Math.round(fps),
    queued: Math.max(0, now.framesReceived - now.framesDecoded - now.framesDropped),
    latencyMs: Math.round((now.rttMs ?? 0) / 2 + processingMs),
    limit,
  };
}
