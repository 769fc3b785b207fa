/**
 * Finds which video encoders really work here: an encoder counts only when its element registers
 * AND encodes a few frames in a tiny pipeline (nvh264enc registers on H100 nodes but has no NVENC).
 *
 * @module
 */
import { getLog } from "../../log.ts";
import { EncoderUnavailableError } from "./errors.ts";

/** Encoder names a session may ask for (besides `auto`). */
export type EncoderName = "nvh264" | "vah264" | "x264" | "openh264" | "vp8";
/** An encoder preference: a name, or `auto` for the first one that works. */
export type EncoderPreference = "auto" | EncoderName;

/** What the probe found out about one encoder. */
export interface EncoderProbe {
  /** Short name. */
  name: EncoderName;
  /** GStreamer element tried last (the one that works, when available). */
  element: string;
  /** Whether it registered and encoded test frames. */
  available: boolean;
  /** Why it is (not) available, for logs and `doctor`. */
  reason: string;
}

/** The encoder a session uses. */
export interface EncoderChoice {
  /** Short name. */
  name: EncoderName;
  /** GStreamer element. */
  element: string;
  /** Why this one was chosen. */
  reason: string;
  /** WebCodecs codec string of the stream it makes, e.g. `avc1.64002a` or `vp8`. */
  codec: string;
}

/** Encoders in the order `auto` tries them, each with the elements that provide it. */
export const ENCODER_ORDER: readonly { name: EncoderName; elements: readonly string[]; codec: string }[] = [
  { name: "nvh264", elements: ["nvh264enc"], codec: "avc1.64002a" },
  { name: "vah264", elements: ["vah264enc", "vah264lpenc", "vaapih264enc"], codec: "avc1.64002a" },
  // The software encoders make constrained baseline (see pipeline.ts `baseline`).
  { name: "x264", elements: ["x264enc"], codec: "avc1.42e02a" },
  { name: "openh264", elements: ["openh264enc"], codec: "avc1.42e02a" },
  { name: "vp8", elements: ["vp8enc"], codec: "vp8" },
];

const PROBE_TIMEOUT_MS = 10_000;
const log = getLog("media");
let cached: Promise<EncoderProbe[]> | undefined;

/**
 * Probes every known encoder once per process (later calls return the cached result).
 *
 * @example
 * ```ts
 * import { probeEncoders } from "./probe.ts";
 * for (const p of await probeEncoders()) console.log(p.name, p.available, p.reason);
 * ```
 */
export function probeEncoders(): Promise<EncoderProbe[]> {
  cached ??= Promise.all(ENCODER_ORDER.map(async ({ name, elements }) => {
    let last: EncoderProbe = { name, element: elements[0], available: false, reason: "not probed" };
    for (const element of elements) {
      last = { name, element, ...await tryElement(element) };
      if (last.available) break;
    }
    return last;
  }));
  return cached;
}

/**
 * Picks the encoder for a session: the first that works in the order nvh264 -> vah264 -> x264 ->
 * openh264 -> vp8, or the pinned one, which must work.
 *
 * @throws {EncoderUnavailableError} when the pinned encoder (or, for `auto`, every encoder) fails.
 * @example
 * ```ts
 * import { chooseEncoder } from "./probe.ts";
 * const { element, codec } = await chooseEncoder("auto"); // e.g. "x264enc", "avc1.64002a"
 * ```
 */
export async function chooseEncoder(preference: EncoderPreference): Promise<EncoderChoice> {
  const probes = await probeEncoders();
  const working = probes.filter((p) => p.available).map((p) => p.name);
  const codecOf = (name: EncoderName) => ENCODER_ORDER.find((e) => e.name === name)!.codec;
  if (preference !== "auto") {
    const probe = probes.find((p) => p.name === preference)!;
    if (!probe.available) throw new EncoderUnavailableError(preference, probe.reason, working);
    const choice = { ...probe, reason: "pinned by the session settings", codec: codecOf(probe.name) };
    log.info("encoder {element} chosen: {reason}", { ...choice });
    return choice;
  }
  const first = probes.find((p) => p.available);
  if (!first) throw new EncoderUnavailableError("auto", "no encoder works", []);
  const skipped = probes.slice(0, probes.indexOf(first)).map((p) => `${p.name}: ${p.reason}`);
  const reason = skipped.length ? `first that works (${skipped.join("; ")})` : "first in order";
  const choice = { name: first.name, element: first.element, reason, codec: codecOf(first.name) };
  log.info("encoder {element} chosen: {reason}", { ...choice });
  return choice;
}

async function tryElement(element: string): Promise<{ available: boolean; reason: string }> {
  const args = [
    "-q",
    "videotestsrc",
    "num-buffers=3",
    "!",
    "video/x-raw,width=320,height=240,framerate=30/1",
    "!",
    "videoconvert",
    "!",
    element,
    "!",
    "fakesink",
  ];
  try {
    const out = await new Deno.Command("gst-launch-1.0", {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    }).output();
    if (out.success) return { available: true, reason: `${element} encodes` };
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    if (out.signal) return { available: false, reason: `${element} timed out after ${PROBE_TIMEOUT_MS} ms` };
    if (/no element/.test(text)) return { available: false, reason: `${element} is not registered` };
    const line = text.split("\n").find((l) => /ERROR|error/.test(l))?.trim() ?? `exit code ${out.code}`;
    return { available: false, reason: `${element} failed to initialize: ${line.slice(0, 300)}` };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { available: false, reason: "gst-launch-1.0 not found (install gstreamer1.0-tools)" };
    }
    return { available: false, reason: `${element} probe failed: ${(error as Error).message}` };
  }
}
