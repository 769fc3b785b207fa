/**
 * The session half of a job spec: what the streamer on the compute node does once
 * the allocation starts (geometry, frame rate, encoder, transport, GL, audio, app).
 *
 * @module
 */
import { z } from "zod";
import { SCREEN_RANGE, screenSizeAllowed } from "../protocol/screen.ts";

/** Video encoders the streamer knows; `auto` probes what registers and initializes. */
export const ENCODERS = ["auto", "nvh264", "vah264", "x264", "openh264", "vp8"] as const;
/** GL modes: `auto` wraps the desktop in `vglrun -d egl` when VirtualGL and a GPU are present. */
export const GL_MODES = ["auto", "virtualgl-egl", "off"] as const;
/**
 * Screen encodings of the WebSocket transport: `video` sends every frame as H.264; `hybrid` sends what
 * changed (scrolls as copies, still content as lossless tiles) and H.264 only while most of the screen moves.
 */
export const ENCODINGS = ["video", "hybrid"] as const;
/** Transport preference for the browser client. */
export const TRANSPORTS = ["auto", "webrtc", "websocket"] as const;

const GEOMETRY = /^(\d{1,5})x(\d{1,5})$/;

/** Schema of the session settings, with defaults. */
export const SessionSettingsSchema = z.object({
  /** Initial screen size, `WIDTHxHEIGHT` (even, within protocol/screen.ts's SCREEN_LIMITS). */
  geometry: z.string().refine(geometryAllowed, `geometry must be WIDTHxHEIGHT with ${SCREEN_RANGE}`).default(
    "1920x1080",
  ).describe(`initial screen size, WIDTHxHEIGHT (${SCREEN_RANGE})`),
  /** Frames per second, 1..120. */
  fps: z.coerce.number().int().min(1).max(120).default(60).describe("frames per second (1-120)"),
  /** Video encoder. */
  encoder: z.enum(ENCODERS).default("auto").describe("video encoder; auto probes what works"),
  /** Screen encoding of the WebSocket transport (WebRTC always sends video). */
  encoding: z.enum(ENCODINGS).default("hybrid").describe(
    "WebSocket screen encoding: video (H.264 frames) or hybrid (changed tiles, scroll copies, lossless text)",
  ),
  /** Target (maximum) video bitrate in kbit/s. */
  bitrate: z.coerce.number().int().min(100).max(200_000).default(8000).describe(
    "target video bitrate in kbit/s",
  ),
  /** Stream audio (PulseAudio in user mode + Opus). */
  audio: z.boolean().default(true).describe("stream audio"),
  /** Desktop command (window manager + terminal by default). Mutually exclusive with `app`. */
  desktop: z.string().min(1).max(4096).optional().describe(
    "desktop command instead of the default WM + terminal",
  ),
  /** Run one application full-screen instead of a desktop. */
  app: z.string().min(1).max(4096).optional().describe(
    "run one application full-screen instead of a desktop",
  ),
  /** GL mode. */
  gl: z.enum(GL_MODES).default("auto").describe("GPU OpenGL: auto uses VirtualGL/EGL when present"),
  /** VirtualGL's install when `vglrun` is not on PATH (a site setting: its prefix, bin folder or vglrun). */
  virtualglPath: z.string().min(1).max(4096).optional().describe(
    "VirtualGL's prefix, bin folder or vglrun, when vglrun is not on PATH",
  ),
  /** Transport the client tries first. */
  transport: z.enum(TRANSPORTS).default("auto").describe("transport the browser tries first"),
  /** Apptainer/Singularity image to run the desktop in. */
  image: z.string().min(1).max(4096).optional().describe("Apptainer image to run the desktop in"),
  /** Bind mounts for the image, `src[:dst[:opts]]`. */
  binds: z.array(z.string().min(1).max(4096)).default([]).describe(
    "bind mount for the image, src[:dst[:opts]] (repeatable)",
  ),
  /**
   * Minutes before the job's time limit at which the viewer is warned (a site sets them in its `defaults:`);
   * `[]` warns only on SLURM's USR1 signal.
   */
  walltimeWarnings: z.array(z.coerce.number().positive().max(10_080)).max(8).default([15, 5]).describe(
    "minutes before the time limit at which viewers are warned (repeatable; default 15 and 5)",
  ),
  /** File transfer between viewers and the transfer folder (docs/file_transfer.md); never for view-only links. */
  transfer: z.boolean().default(true).describe(
    "let viewers upload and download files (never view-only links)",
  ),
  /** The transfer folder, `~` and the job's `$VARIABLES` expanded. @default {the job's working directory} */
  transferDir: z.string().min(1).max(4096).optional().describe(
    "folder viewers upload to and download from (default: the job's working directory; ~ and $VARS expanded)",
  ),
  /** Largest file a viewer may upload, in bytes. */
  transferMaxBytes: z.coerce.number().int().min(1).max(2 ** 50).default(2 * 1024 ** 3).describe(
    "largest file a viewer may upload, in bytes",
  ),
  /** Gateway URL (https:// or wss://); when set the streamer dials out and listens on nothing. */
  gateway: z.url({ protocol: /^(https?|wss?)$/ }).optional().describe(
    "gateway URL to dial out to instead of listening",
  ),
}).refine((s) => !(s.desktop && s.app), {
  message: "choose either --desktop or --app, not both",
  path: ["app"],
});

/** Session settings after defaults are applied. */
export type SessionSettings = z.output<typeof SessionSettingsSchema>;

/**
 * Splits a `WIDTHxHEIGHT` geometry into numbers.
 *
 * @example
 * ```ts
 * import { parseGeometry } from "./session.ts";
 * parseGeometry("1280x720"); // { width: 1280, height: 720 }
 * ```
 */
export function parseGeometry(geometry: string): { width: number; height: number } {
  const m = GEOMETRY.exec(geometry);
  if (!m) throw new TypeError(`geometry must look like 1920x1080, got ${JSON.stringify(geometry)}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** Whether a `WIDTHxHEIGHT` text is an allowed screen size. */
function geometryAllowed(geometry: string): boolean {
  const m = GEOMETRY.exec(geometry);
  return !!m && screenSizeAllowed({ width: Number(m[1]), height: Number(m[2]) });
}
