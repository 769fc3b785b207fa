/**
 * Settings of a media session, and the limits that keep its worker processes bounded.
 *
 * @module
 */
import type { EncoderPreference } from "./probe.ts";

/** Settings of a media session. */
export interface MediaOptions {
  /** X display to capture, e.g. `:1`. */
  display: string;
  /** Xauthority file of that display. */
  xauthority: string;
  /** Width in pixels (even). */
  width: number;
  /** Height in pixels (even). */
  height: number;
  /** Frames per second. */
  fps: number;
  /** Encoder preference; `auto` probes. */
  encoder: EncoderPreference;
  /** Screen encoding of the shared (WebSocket) worker; WebRTC viewers always get video. @default {"video"} */
  encoding?: "video" | "hybrid";
  /** Maximum video bitrate in kbit/s. */
  bitrateKbps: number;
  /** Capture audio from this PulseAudio server. */
  audio?: { pulseServer: string };
  /** CUDA device for nvh264enc. */
  cudaDevice?: number;
  /** CPUs the session may use (the job's allocation): sizes the encoder's threads. @default {all of this machine's} */
  cpus?: number;
  /**
   * Most WebRTC viewers at once, each a worker process of its own (~95 MB and an encoder's CPU); more viewers
   * are refused WebRTC and stay on the WebSocket, whose one shared worker serves any number. @default {4}
   */
  maxPeers?: number;
  /**
   * A WebRTC viewer must answer its offer and connect within this many ms, or its worker is ended and the
   * viewer told (it falls back to the WebSocket). @default {15000}
   */
  connectTimeoutMs?: number;
  /**
   * A worker that sends nothing, not even the answer to a ping, for this many ms is killed (it is stuck, e.g.
   * in a native call on a grabbed X server). @default {15000}
   */
  unresponsiveMs?: number;
}

/** Default of {@linkcode MediaOptions.maxPeers}. */
export const DEFAULT_MAX_PEERS = 4;

/**
 * CPUs this session may use: the job's allocation when known, else the machine's.
 *
 * @param allocated The job's CPUs ({@linkcode MediaOptions.cpus}).
 * @example
 * ```ts
 * import { availableCpus } from "./options.ts";
 * availableCpus(4); // 4, the job's
 * availableCpus(); // this machine's
 * ```
 */
export function availableCpus(allocated?: number): number {
  return allocated !== undefined && Number.isInteger(allocated) && allocated > 0
    ? allocated
    : navigator.hardwareConcurrency;
}
