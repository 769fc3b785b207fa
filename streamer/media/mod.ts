/**
 * Media: encoder probe, pipeline descriptions, and the media session (worker processes that capture
 * the X display, encode it, and deliver it to WebSocket subscribers or WebRTC viewers).
 *
 * @example
 * ```ts
 * import { MediaSession } from "./mod.ts";
 * const media = new MediaSession({ display: ":1", xauthority: "/tmp/xa", width: 1920, height: 1080,
 *   fps: 60, encoder: "auto", bitrateKbps: 8000 });
 * await media.start();
 * ```
 *
 * @module
 */
export { EncoderUnavailableError, MediaWorkerError } from "./errors.ts";
export {
  chooseEncoder,
  type EncoderChoice,
  type EncoderName,
  type EncoderPreference,
  type EncoderProbe,
  probeEncoders,
} from "./probe.ts";
export {
  bitrateProperty,
  encoderDescription,
  type MediaMode,
  pipelineDescription,
  type PipelineOptions,
} from "./pipeline.ts";
export {
  DEFAULT_MAX_PEERS,
  type MediaOptions,
  MediaSession,
  type PeerOptions,
  type PeerSignalIn,
  type PeerSignalOut,
  type WebRtcPeer,
} from "./session.ts";
export { DEFAULT_HOLD_MS, IdleTimer, type IdleTimerOptions } from "./idle.ts";
