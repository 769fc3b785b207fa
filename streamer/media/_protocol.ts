/**
 * Control messages between the media worker and its parent (JSON inside IPC control frames).
 *
 * @module
 */
import type { IceServer } from "../../protocol/ice.ts";
import type { PipelineOptions } from "./pipeline.ts";

/** The worker's configuration, sent as the first control message (never in argv: TURN secrets). */
export interface WorkerConfig {
  /** Pipeline settings (the mode says appsink or webrtc). */
  pipeline: PipelineOptions;
  /**
   * `hybrid`: the appsink worker sends screen updates (protocol/screen_update.ts) instead of H.264 frames,
   * with H.264 only while most of the screen moves. @default {"video"}
   */
  encoding?: "video" | "hybrid";
  /** WebCodecs codec string of the encoder's output (what screen updates name in their `codec` operation). */
  codec?: string;
  /** ICE servers (webrtc mode). */
  iceServers?: IceServer[];
}

/** Parent -> worker. */
export type ToWorker =
  | { t: "start"; config: WorkerConfig }
  | { t: "bitrate"; kbps: number }
  /** Frames per second sent, up to the capture rate the worker started with. */
  | { t: "fps"; fps: number }
  | { t: "keyframe" }
  /** The screen changes (`open`) or has been idle: gate the capture before convert + encode. */
  | { t: "gate"; open: boolean }
  /** Some viewer has room for another frame (`open`), or none has: hold the encoder (appsink mode). */
  | { t: "pace"; open: boolean }
  /** The screen has a new size: capture and encode at it from now on (no new worker, no renegotiation). */
  | { t: "resize"; width: number; height: number }
  | { t: "answer"; sdp: string }
  | { t: "ice"; candidate: string; sdpMLineIndex: number }
  /** Are you there? Answered with `pong` (a worker that stops answering is killed). */
  | { t: "ping" }
  | { t: "stop" };

/** Worker -> parent. */
export type FromWorker =
  | { t: "ready"; description: string }
  | { t: "error"; message: string }
  | { t: "offer"; sdp: string }
  | { t: "ice"; candidate: string; sdpMLineIndex: number }
  | { t: "pong" }
  /** The WebRTC connection is up (ends the parent's wait for the viewer to answer and connect). */
  | { t: "connected" }
  | { t: "data"; text: string }
  | { t: "closed"; reason: string };
