/**
 * Server-side stage timing for our streamer from GStreamer's `latency` tracer: how long each
 * captured frame takes from leaving `ximagesrc` to reaching the pipeline's sink (colour
 * conversion, encoding, and for WebRTC payloading and encryption). The capture itself (the X
 * server copy before the buffer leaves the source) is not included.
 *
 * @module
 */
import { CAPTURE_NAME } from "../streamer/media/pipeline.ts";

/** One `latency` tracer record. */
export interface LatencyRecord {
  /** Source element name (e.g. `ximagesrc0`). */
  src: string;
  /** Sink element name (e.g. `video` for an appsink, `nicesink0` for WebRTC). */
  sink: string;
  /** Milliseconds from source pad to sink pad. */
  ms: number;
}

/**
 * Environment variables that make GStreamer in the streamer and its workers log the tracer's
 * records to `dir/gst-<pid>.log`.
 *
 * @example
 * ```ts
 * import { traceEnv } from "./gst_trace.ts";
 * traceEnv("/tmp/x").GST_TRACERS; // "latency"
 * ```
 */
export function traceEnv(dir: string): Record<string, string> {
  return {
    GST_TRACERS: "latency",
    GST_DEBUG: "GST_TRACER:7",
    GST_DEBUG_FILE: `${dir}/gst-%p.log`,
    GST_DEBUG_NO_COLOR: "1",
  };
}

const RECORD =
  /latency, .*?src-element=\(string\)([^,]+), .*?sink-element=\(string\)([^,]+), .*?time=\(guint64\)(\d+)/;

/**
 * Parses the tracer's `latency` records out of GStreamer debug log text (other lines are skipped).
 *
 * @example
 * ```ts
 * import { parseLatencyRecords } from "./gst_trace.ts";
 * parseLatencyRecords(
 *   "0:00:09.4 1 0x1 TRACE GST_TRACER :0:: latency, src-element-id=(string)0x1, src-element=(string)ximagesrc0, " +
 *     "src=(string)src, sink-element-id=(string)0x2, sink-element=(string)video, sink=(string)sink, time=(guint64)9879740, ts=(guint64)1;",
 * ); // [{ src: "ximagesrc0", sink: "video", ms: 9.87974 }]
 * ```
 */
export function parseLatencyRecords(text: string): LatencyRecord[] {
  const out: LatencyRecord[] = [];
  for (const line of text.split("\n")) {
    const m = RECORD.exec(line);
    if (m) out.push({ src: m[1], sink: m[2], ms: Number(m[3]) / 1e6 });
  }
  return out;
}

/** Reads the video pipeline's per-frame latency from the trace logs in a folder. */
export class PipelineTrace {
  readonly #dir: string;
  readonly #offsets = new Map<string, number>();

  /**
   * Watches `dir` (where {@linkcode traceEnv} sends the logs).
   *
   * @example
   * ```ts
   * import { PipelineTrace } from "./gst_trace.ts";
   * const trace = new PipelineTrace("/tmp/x");
   * await trace.mark();
   * const ms = await trace.read(); // per-frame pipeline latency since the mark
   * ```
   */
  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Starts a window: later reads only see records logged from now on. */
  async mark(): Promise<void> {
    for (const file of await this.#files()) this.#offsets.set(file, (await Deno.stat(file)).size);
  }

  /** Milliseconds per video frame (source: our capture element, or an unnamed `ximagesrc*`) since the last mark. */
  async read(): Promise<number[]> {
    return parseLatencyRecords(await this.text()).filter((r) => isCapture(r.src)).map((r) => r.ms);
  }

  /** The trace logs' text since the last mark (every file of the folder, each from its own mark). */
  async text(): Promise<string> {
    let text = "";
    for (const file of await this.#files()) {
      const bytes = await Deno.readFile(file);
      // A newline between files: a log's last line may be unterminated, and must not run into the next file's.
      text += new TextDecoder().decode(bytes.subarray(this.#offsets.get(file) ?? 0)) + "\n";
    }
    return text;
  }

  async #files(): Promise<string[]> {
    const files: string[] = [];
    for await (const e of Deno.readDir(this.#dir)) {
      if (e.isFile && /^gst-\d+\.log$/.test(e.name)) files.push(`${this.#dir}/${e.name}`);
    }
    return files;
  }
}

/**
 * Whether a tracer record starts at the screen capture: the streamer names it (`pipeline.ts` CAPTURE_NAME; the
 * encode column was empty while this looked for `ximagesrc*` only).
 *
 * @example
 * ```ts
 * import { isCapture } from "./gst_trace.ts";
 * isCapture("capture"); // true
 * ```
 */
export function isCapture(element: string): boolean {
  return element === CAPTURE_NAME || element.startsWith("ximagesrc");
}
