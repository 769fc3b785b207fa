/**
 * One WebRTC viewer = one worker process (capture + encode + webrtcbin), ended with `_exit` when the
 * viewer leaves: the way around GStreamer 1.22's webrtcbin teardown crash.
 *
 * @module
 */
import type { IceServer } from "../../protocol/ice.ts";
import type { WorkerConfig } from "./_protocol.ts";
import type { WorkerHandlers, WorkerProcess } from "./_worker_process.ts";

/** Starts a worker process (the media session's, which keeps track of every one). */
export type SpawnWorker = (config: WorkerConfig, handlers: WorkerHandlers) => WorkerProcess;

/** A signalling message from the server to the browser. */
export type PeerSignalOut =
  | { t: "sdp"; type: "offer"; sdp: string }
  | { t: "ice"; candidate: string; sdpMLineIndex: number };

/** A signalling message from the browser to the server. */
export type PeerSignalIn =
  | { t: "sdp"; type: "answer"; sdp: string }
  | { t: "ice"; candidate: string; sdpMLineIndex: number };

/** Options of {@linkcode MediaSession.createPeer}. */
export interface PeerOptions {
  /** ICE servers (STUN/TURN) for this viewer. */
  iceServers: IceServer[];
  /** Offer and trickled candidates to send to the browser. */
  onSignal: (message: PeerSignalOut) => void;
  /** Text from the browser's `input` data channel. */
  onData: (text: string) => void;
  /** The connection is up: media flows to the browser from now on. */
  onConnected?: () => void;
  /** The peer ended (closed, failed, never connected, or its worker died); called once, with why. */
  onClose: (reason: string) => void;
}

/** Default of {@linkcode PeerLimits.connectMs}. */
export const CONNECT_TIMEOUT_MS = 15_000;

/** How long a peer may take, set by its media session. */
export interface PeerLimits {
  /**
   * The viewer must answer the offer and complete ICE within this time, or its worker is ended (an
   * unanswered offer would otherwise keep an encoder process forever). @default {15000}
   */
  connectMs?: number;
}

/** A WebRTC viewer's media endpoint. */
export interface WebRtcPeer {
  /** Passes the browser's answer or a trickled candidate on. */
  signal(message: PeerSignalIn): void;
  /** Ends the viewer's worker; resolves once the process is gone. */
  close(): Promise<void>;
  /** Live encoder bitrate change. */
  setBitrate(kbps: number): void;
  /** Live frame-rate change, up to the rate the peer's capture started with. */
  setFps(fps: number): void;
  /** Asks the viewer's encoder for a keyframe. */
  requestKeyframe(): void;
  /** Captures and encodes at a new screen size from now on. */
  resize(width: number, height: number): void;
  /** Opens (screen changing) or closes (idle) the viewer's capture gate. */
  setActive(active: boolean): void;
}

/**
 * Starts the worker of one viewer; the offer arrives through `onSignal`. A viewer that has not answered
 * and connected within `limits.connectMs` loses the peer (`onClose` says so).
 *
 * @example
 * ```ts
 * import { type PeerOptions, type SpawnWorker, startPeer } from "./_peer.ts";
 * import type { WorkerConfig } from "./_protocol.ts";
 * declare const spawn: SpawnWorker, config: WorkerConfig;
 * const { onSignal, onData, onClose }: Omit<PeerOptions, "iceServers"> = {
 *   onSignal: (message) => console.log(message),
 *   onData: (text) => console.log(text),
 *   onClose: (reason) => console.log(reason),
 * };
 * const peer = startPeer(spawn, config, { iceServers: [], onSignal, onData, onClose });
 * ```
 */
export function startPeer(
  spawn: SpawnWorker,
  config: WorkerConfig,
  options: PeerOptions,
  limits: PeerLimits = {},
): WebRtcPeer {
  let reason = "";
  const connectMs = limits.connectMs ?? CONNECT_TIMEOUT_MS;
  const timer = setTimeout(() => {
    reason = `the viewer did not answer and connect within ${connectMs / 1000} s`;
    worker.kill();
  }, connectMs);
  const worker = spawn({ ...config, iceServers: options.iceServers }, {
    onControl(message) {
      if (message.t === "offer") options.onSignal({ t: "sdp", type: "offer", sdp: message.sdp });
      if (message.t === "ice") {
        options.onSignal({ t: "ice", candidate: message.candidate, sdpMLineIndex: message.sdpMLineIndex });
      }
      if (message.t === "connected") {
        clearTimeout(timer);
        options.onConnected?.();
      }
      if (message.t === "data") options.onData(message.text);
      if (message.t === "closed" || message.t === "error") {
        reason ||= message.t === "closed" ? message.reason : message.message;
        worker.stop();
      }
    },
  });
  worker.exited.then((status) => {
    clearTimeout(timer);
    options.onClose(reason || `its media worker exited (${status.signal ?? `code ${status.code}`})`);
  });
  return {
    signal(message) {
      if (message.t === "sdp") worker.send({ t: "answer", sdp: message.sdp });
      else worker.send({ t: "ice", candidate: message.candidate, sdpMLineIndex: message.sdpMLineIndex });
    },
    close: () => {
      reason ||= "closed";
      return worker.stop();
    },
    setBitrate: (kbps) => worker.send({ t: "bitrate", kbps }),
    setFps: (fps) => worker.send({ t: "fps", fps }),
    requestKeyframe: () => worker.send({ t: "keyframe" }),
    setActive: (active) => worker.send({ t: "gate", open: active }),
    resize: (width, height) => worker.send({ t: "resize", width, height }),
  };
}
