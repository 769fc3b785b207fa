/**
 * Per-element timing of our server pipeline from GStreamer's `latency` tracer with `flags=pipeline+element`:
 * how long each frame spends in each element (colour conversion, the queue before the encoder, x264, the
 * payloader, webrtcbin's RTP/SRTP/ICE elements), plus the whole source-to-sink time. `gst_trace.ts` reads the
 * whole-pipeline records only; this reads both, for a stage-by-stage breakdown.
 *
 * @module
 */
import { ENCODER_NAME, GATE_NAME, SIZE_NAME } from "../streamer/media/pipeline.ts";
import { isCapture, parseLatencyRecords, PipelineTrace } from "./gst_trace.ts";
import type { StageTimer } from "./peer.ts";
import { summarize, type Summary } from "./stats.ts";

/**
 * Environment variables that make GStreamer log per-element and whole-pipeline latency records to
 * `dir/gst-<pid>.log`.
 *
 * @example
 * ```ts
 * import { stageTraceEnv } from "./stage_trace.ts";
 * stageTraceEnv("/tmp/x").GST_TRACERS; // "latency(flags=pipeline+element)"
 * ```
 */
export function stageTraceEnv(dir: string): Record<string, string> {
  return {
    GST_TRACERS: "latency(flags=pipeline+element)",
    GST_DEBUG: "GST_TRACER:7",
    GST_DEBUG_FILE: `${dir}/gst-%p.log`,
    GST_DEBUG_NO_COLOR: "1",
  };
}

const ELEMENT = /element-latency, .*?element=\(string\)([^,]+), .*?time=\(guint64\)(\d+)/;

/**
 * Parses `element-latency` records into milliseconds per element name (other lines are skipped).
 *
 * @example
 * ```ts
 * import { parseElementLatency } from "./stage_trace.ts";
 * parseElementLatency(
 *   "0:00:01.1 1 0x1 TRACE GST_TRACER :0:: element-latency, element-id=(string)0x2, element=(string)enc, " +
 *     "src=(string)src, time=(guint64)2500000, ts=(guint64)1;",
 * ).get("enc"); // [2.5]
 * ```
 */
export function parseElementLatency(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of text.split("\n")) {
    const m = ELEMENT.exec(line);
    if (!m) continue;
    const list = out.get(m[1]) ?? [];
    list.push(Number(m[2]) / 1e6);
    out.set(m[1], list);
  }
  return out;
}

/**
 * The stages a frame of our WebRTC pipeline goes through on the server, in order. "queue" is every `queue`
 * element: the one before the encoder (WebSocket pipelines; WebRTC ones had it too until the no-buffering change)
 * and webrtcbin's own.
 */
export const SERVER_STAGES = ["convert", "queue", "encode", "payload", "webrtcbin"] as const;
/** One server stage. */
export type ServerStage = typeof SERVER_STAGES[number];

/**
 * Which stage an element of our pipeline belongs to (`pipeline.ts` names): gate, scale and
 * colour conversion up to the size caps are "convert"; the leaky queue; the encoder `enc`; parser and payloader
 * with their caps; everything else is inside webrtcbin (RTP session, RTX, SRTP, DTLS, ICE sink).
 *
 * @example
 * ```ts
 * import { stageOf } from "./stage_trace.ts";
 * stageOf("videoconvert0"); // "convert"
 * stageOf("nicesink0"); // "webrtcbin"
 * ```
 */
export function stageOf(element: string): ServerStage {
  if ([GATE_NAME, SIZE_NAME].includes(element)) return "convert";
  if (/^(videoscale|videoconvert)\d*$/.test(element)) return "convert";
  if (/^queue\d+$/.test(element)) return "queue";
  if (element === ENCODER_NAME) return "encode";
  if (/^(h264parse\d*|capsfilter[01]|rtph264pay\d*|rtpvp8pay\d*)$/.test(element)) return "payload";
  return "webrtcbin";
}

/** Per-element and per-stage timing over a window. */
export interface StageTimes {
  /** Milliseconds per frame in each element (median over the frames that went through it). */
  elements: Record<string, Summary>;
  /** Sum of the element medians of each stage, ms. */
  stages: Record<ServerStage, number>;
  /** Source pad to sink pad per frame (the tracer's whole-pipeline records from the capture element). */
  pipeline: Summary;
}

/**
 * Reads the trace logs of a folder over a window (a {@linkcode StageTimer} for `measurePage`): the window and
 * the whole-pipeline times are {@linkcode PipelineTrace}'s, this adds the per-element and per-stage split.
 *
 * @example
 * ```ts
 * import { StageTrace } from "./stage_trace.ts";
 * const trace = new StageTrace(await Deno.makeTempDir()); // a folder stageTraceEnv() logs to
 * await trace.mark();
 * (await trace.times()).pipeline.n; // 0: nothing logged since the mark
 * ```
 */
export class StageTrace extends PipelineTrace implements StageTimer {
  /** Per-element and per-stage times since the mark. */
  async times(): Promise<StageTimes> {
    const text = await this.text();
    const elements: Record<string, Summary> = {};
    const stages = Object.fromEntries(SERVER_STAGES.map((s) => [s, 0])) as Record<ServerStage, number>;
    for (const [name, ms] of parseElementLatency(text)) {
      const summary = summarize(ms);
      elements[name] = summary;
      stages[stageOf(name)] = Math.round((stages[stageOf(name)] + (summary.p50 ?? 0)) * 10) / 10;
    }
    const pipeline = parseLatencyRecords(text).filter((r) => isCapture(r.src)).map((r) => r.ms);
    return { elements, stages, pipeline: summarize(pipeline) };
  }
}
