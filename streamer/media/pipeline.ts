/**
 * Builds the media worker's gst-launch description from settings (pure: no GStreamer needed).
 *
 * @module
 */
import { PLAYOUT_DELAY_ID, PLAYOUT_DELAY_URI } from "../gst/playout_delay.ts";
import type { EncoderName } from "./probe.ts";
import { SINK_NAME } from "../audio/names.ts";

/** Where encoded media goes. */
export type MediaMode = "appsink" | "webrtc";

/** Settings of one capture + encode pipeline. */
export interface PipelineOptions {
  /** X display to capture, e.g. `:1`. */
  display: string;
  /** Width in pixels (even). */
  width: number;
  /** Height in pixels (even). */
  height: number;
  /** Frames per second captured and sent (changed live through the size caps, see {@linkcode sizeCaps}). */
  fps: number;
  /** Encoder short name. */
  encoder: EncoderName;
  /** GStreamer element of the encoder (e.g. `vah264enc` or `vaapih264enc` for `vah264`). */
  element: string;
  /** Maximum video bitrate in kbit/s. */
  bitrateKbps: number;
  /** `appsink` (named `video`/`audio`) or `webrtc` (payloaders into a webrtcbin named `webrtc`). */
  mode: MediaMode;
  /** Capture PulseAudio too. */
  audio?: { pulseServer: string };
  /**
   * Seconds between forced keyframes. Over WebRTC x264 makes none by default: the browser asks for one when it
   * needs one (RTCP PLI), the worker on connect and resize, and a keyframe squeezed into a 1.5-frame VBV every
   * few seconds would blur the picture each time. @default {2, or none for x264 over WebRTC}
   */
  keyframeSeconds?: number;
  /** CUDA device for nvh264enc. */
  cudaDevice?: number;
  /** CPUs the session may use (the job's allocation); caps encoder and converter threads. @default {2} */
  cpus?: number;
  /**
   * A `videocrop` after the gate (named {@linkcode CROP_NAME}): the hybrid encoding's region video encodes
   * only part of the screen, changed live (./_video_area.ts). @default {false}
   */
  crop?: boolean;
}

/** Pixels per second one software encoder thread keeps up with comfortably (720p30, measured with x264 ultrafast). */
const PIXELS_PER_THREAD = 1280 * 720 * 30;

/**
 * Threads for the software encoder and the colour converter, sized by pixel rate and capped by the
 * CPUs the job has (4K30 starved on 2 threads while 14 cores idled; 8 threads on a 2-CPU job only thrash).
 *
 * @example
 * ```ts
 * import { workerThreads } from "./pipeline.ts";
 * workerThreads({ width: 3840, height: 2160, fps: 30, cpus: 16 }); // { encoder: 9, convert: 5 }
 * ```
 */
export function workerThreads(
  o: Pick<PipelineOptions, "width" | "height" | "fps" | "cpus">,
): { encoder: number; convert: number } {
  const cpus = Math.max(1, Math.floor(o.cpus ?? 2));
  const load = (o.width * o.height * o.fps) / PIXELS_PER_THREAD;
  return {
    encoder: Math.min(cpus, Math.max(2, Math.round(load))),
    convert: Math.min(cpus, Math.max(1, Math.ceil(load / 2))),
  };
}

/** Name of the encoder element inside the pipeline. */
export const ENCODER_NAME = "enc";

/**
 * Name of the valve right after the capture: closed while the screen is idle, so nothing is scaled,
 * converted or encoded (the bulk of the cost; capture alone is ~8% of a core at 1080p60 in Xvfb).
 * Sticky events pass so caps stay known and the first frame after reopening flows at once.
 */
export const GATE_NAME = "gate";

/**
 * Name of the `videocrop` of the hybrid encoding's region video: all zero (passthrough) for full-screen
 * video. Before the scaler and the converter, so only the region is converted and encoded.
 */
export const CROP_NAME = "crop";

/** Name of the screen capture element: paused while the gate is closed, so an idle screen is not even copied. */
export const CAPTURE_NAME = "capture";

/**
 * Name of the capsfilter that fixes the encoded picture's size and frame rate, both changed live: new caps
 * make ximagesrc renegotiate (screen resized, or another frame rate asked for).
 */
export const SIZE_NAME = "size";

/**
 * The caps of the encoded picture: raw I420 at the screen size and the frame rate asked for.
 *
 * The frame rate is ximagesrc's own: it grabs at most once per 1/fps slot of the clock and skips the slots
 * it missed, so the rate can never exceed `fps`. A `videorate drop-only=true max-rate=N` after a faster
 * capture did: it passes a frame when its timestamp reaches the next output slot and then moves that slot one
 * period on, so after any gap (the gate closed for pacing or idleness, a starved capture thread) it let the
 * capture's every frame through until its schedule caught up with the clock. Measured: 15 fps asked from a
 * 60 fps capture, held 0.7 s at a time by pacing on a loaded 2-core box, gave 25.6 fps by capture time
 * while open; now 15.
 *
 * @example
 * ```ts
 * import { sizeCaps } from "./pipeline.ts";
 * sizeCaps(1280, 720, 30); // "video/x-raw,format=I420,width=1280,height=720,framerate=30/1"
 * ```
 */
export function sizeCaps(width: number, height: number, fps: number): string {
  return `video/x-raw,format=I420,width=${width},height=${height},framerate=${
    Math.max(1, Math.round(fps))
  }/1`;
}

/**
 * The encoder's bitrate property and value for `kbps` (units differ per element).
 *
 * @example
 * ```ts
 * import { bitrateProperty } from "./pipeline.ts";
 * bitrateProperty("vp8", 2000); // { name: "target-bitrate", value: 2000000 }
 * ```
 */
export function bitrateProperty(encoder: EncoderName, kbps: number): { name: string; value: number } {
  const k = Math.round(kbps);
  switch (encoder) {
    case "openh264":
      return { name: "bitrate", value: k * 1000 };
    case "vp8":
      return { name: "target-bitrate", value: k * 1000 };
    default:
      return { name: "bitrate", value: k };
  }
}

/** x264's "no periodic keyframes" (`key-int-max` is a gint; x264 treats anything this large as infinite). */
const NO_PERIODIC_KEYFRAMES = 2147483647;

/**
 * x264's VBV buffer in ms: over WebRTC 1.5 frame times (3 with periodic keyframes), as Selkies-GStreamer does,
 * so that no frame is much larger than the average one; for the WebSocket transport 500 ms as before.
 *
 * @example
 * ```ts
 * import { vbvMs } from "./pipeline.ts";
 * vbvMs({ fps: 60, mode: "webrtc" }); // 25
 * ```
 */
export function vbvMs(o: Pick<PipelineOptions, "fps" | "mode" | "keyframeSeconds">): number {
  if (o.mode !== "webrtc") return 500;
  return Math.round((o.keyframeSeconds ? 3 : 1.5) * 1000 / Math.max(1, o.fps));
}

/**
 * The encoder with settings for a desktop: no B-frames, low latency, near-zero cost while the screen is
 * idle, motion capped at the bitrate. x264 encodes each frame with all its threads at once (sliced threads:
 * no frame waits for another, which frame threading would cost), and over WebRTC keeps every frame near the
 * average size (see {@linkcode vbvMs}).
 *
 * @example
 * ```ts
 * import { encoderDescription } from "./pipeline.ts";
 * encoderDescription({ encoder: "x264", element: "x264enc", width: 1280, height: 720, fps: 30, bitrateKbps: 4000,
 *   mode: "webrtc" });
 * ```
 */
export function encoderDescription(
  o: Pick<
    PipelineOptions,
    | "encoder"
    | "element"
    | "width"
    | "height"
    | "fps"
    | "bitrateKbps"
    | "keyframeSeconds"
    | "cudaDevice"
    | "cpus"
    | "mode"
  >,
): string {
  const gop = Math.max(1, Math.round(o.fps * (o.keyframeSeconds ?? 2)));
  const rate = bitrateProperty(o.encoder, o.bitrateKbps);
  const bitrate = `${rate.name}=${rate.value}`;
  const name = `name=${ENCODER_NAME}`;
  switch (o.encoder) {
    case "x264":
      // pass=qual is CRF (quantizer) with bitrate as the VBV cap: static frames cost a few bytes.
      return `x264enc ${name} tune=zerolatency speed-preset=ultrafast bframes=0 key-int-max=${
        o.mode === "webrtc" && !o.keyframeSeconds ? NO_PERIODIC_KEYFRAMES : gop
      } pass=qual quantizer=23 ${bitrate} vbv-buf-capacity=${vbvMs(o)} threads=${
        workerThreads(o).encoder
      } sliced-threads=true`;
    case "nvh264":
      return `nvh264enc ${name} rc-mode=vbr zerolatency=true preset=low-latency-hq bframes=0 ` +
        `gop-size=${gop} ${bitrate} max-bitrate=${o.bitrateKbps}` +
        (o.cudaDevice === undefined ? "" : ` cuda-device-id=${o.cudaDevice}`);
    case "vah264":
      return o.element === "vaapih264enc"
        ? `vaapih264enc ${name} rate-control=vbr keyframe-period=${gop} ${bitrate}`
        : `${o.element} ${name} rate-control=vbr b-frames=0 key-int-max=${gop} ${bitrate}`;
    case "openh264":
      return `openh264enc ${name} usage-type=screen rate-control=quality complexity=low ` +
        `gop-size=${gop} ${bitrate} max-bitrate=${o.bitrateKbps * 1000}`;
    case "vp8":
      return `vp8enc ${name} deadline=1 cpu-used=8 end-usage=vbr keyframe-max-dist=${gop} ` +
        `${bitrate} static-threshold=100 lag-in-frames=0 error-resilient=partitions threads=${
          workerThreads(o).encoder
        }`;
  }
}

/**
 * Whether the H.264 stream is constrained baseline: always for the software encoders (x264's ultrafast
 * preset has no CABAC/8x8 anyway), and for every encoder over WebRTC, which every browser decodes.
 *
 * @example
 * ```ts
 * import { baseline } from "./pipeline.ts";
 * baseline("nvh264", "appsink"); // false
 * ```
 */
export function baseline(encoder: EncoderName, mode: MediaMode): boolean {
  return encoder === "x264" || encoder === "openh264" || mode === "webrtc";
}

/**
 * The whole pipeline description.
 *
 * @example
 * ```ts
 * import { pipelineDescription } from "./pipeline.ts";
 * pipelineDescription({
 *   display: ":1", width: 1280, height: 720, fps: 30, encoder: "x264", element: "x264enc",
 *   bitrateKbps: 4000, mode: "appsink",
 * });
 * ```
 */
export function pipelineDescription(o: PipelineOptions): string {
  const webrtc = o.mode === "webrtc";
  // The payloader adds the extension the caps name (registered by the WebRTC worker): frames play at once.
  const playoutDelay = `extmap-${PLAYOUT_DELAY_ID}=(string)${PLAYOUT_DELAY_URI}`;
  const video = [
    `ximagesrc name=${CAPTURE_NAME} display-name=${o.display} use-damage=false show-pointer=false`,
    `valve name=${GATE_NAME} drop=false drop-mode=forward-sticky-events`,
    ...(o.crop ? [`videocrop name=${CROP_NAME}`] : []),
    `videoscale`,
    `videoconvert n-threads=${workerThreads(o).convert}`,
    // Size and frame rate: the capture itself runs at the rate asked for (see sizeCaps).
    `capsfilter name=${SIZE_NAME} caps="${sizeCaps(o.width, o.height, o.fps)}"`,
    // No queue before the encoder: capture, convert, encode and send run back to back in the capture thread,
    // so no frame waits for the encoder to finish the one before (the queue's wait was 0-15 ms per frame at
    // 1080p on 2 cores, and converting frames the queue then dropped cost CPU); a slow encoder makes ximagesrc
    // grab less often instead. On the WebSocket, receiver pacing closes the valve when no viewer has room, so
    // the queue's dropping is not needed there either: measured 1080p motion p50 89 -> 55 ms at 30.6 -> 38.8
    // fps, text 54 -> 44 ms (hybrid's video mode: 79 -> 49 ms).
    encoderDescription(o),
    ...(o.encoder === "vp8" ? [] : [
      "h264parse config-interval=-1",
      `video/x-h264,stream-format=byte-stream,alignment=au` +
      (baseline(o.encoder, o.mode) ? ",profile=constrained-baseline" : ""),
    ]),
    webrtc
      ? (o.encoder === "vp8"
        ? `rtpvp8pay picture-id-mode=15-bit ! application/x-rtp,media=video,encoding-name=VP8,payload=96,${playoutDelay}`
        : "rtph264pay config-interval=-1 aggregate-mode=zero-latency ! " +
          `application/x-rtp,media=video,encoding-name=H264,payload=96,${playoutDelay}`)
      : "appsink name=video sync=false async=false max-buffers=4 drop=false emit-signals=false",
  ].join(" ! ");
  const parts = [video + (webrtc ? " ! webrtc." : "")];
  if (webrtc) parts.unshift("webrtcbin name=webrtc bundle-policy=max-bundle latency=0");
  if (o.audio) {
    parts.push(
      [
        // The sink's monitor by name: the default source is the browser's microphone (audio/pulse.ts).
        `pulsesrc server="${o.audio.pulseServer}" device=${SINK_NAME}.monitor do-timestamp=true provide-clock=false`,
        "audioconvert",
        "audioresample",
        "audio/x-raw,rate=48000,channels=2",
        "queue leaky=downstream max-size-time=200000000",
        "opusenc frame-size=10 bitrate=128000",
        webrtc
          ? "rtpopuspay ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! webrtc."
          : "appsink name=audio sync=false async=false max-buffers=20 drop=true emit-signals=false",
      ].join(" ! "),
    );
  }
  return parts.join(" ");
}
