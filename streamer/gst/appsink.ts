/**
 * Pulling encoded buffers out of an appsink, off the JavaScript thread.
 *
 * @module
 */
import { lib } from "./_lib.ts";
import type { GObject } from "./object.ts";

/** One buffer pulled from an appsink. */
export interface Sample {
  /** A copy of the buffer's bytes. */
  data: Uint8Array<ArrayBuffer>;
  /** Presentation time in nanoseconds (`undefined` when the buffer has none). */
  ptsNs: bigint | undefined;
  /**
   * The presentation time as running time (through the sample's segment: encoders shift timestamps, e.g.
   * by 1000 hours), comparable with {@linkcode Pipeline.runningTimeNs}; `undefined` when unknown.
   */
  runningNs: bigint | undefined;
  /** Whether the buffer can be decoded on its own (no DELTA_UNIT flag). */
  key: boolean;
}

// GstBuffer: GstMiniObject (flags at byte 16, 64 bytes), pool, then pts at byte 72.
const FLAGS_OFFSET = 16;
const PTS_OFFSET = 72;
const DELTA_UNIT = 1 << 13;
const NONE = 0xffffffffffffffffn;
const FORMAT_TIME = 3;

/**
 * Waits up to `timeoutMs` for the next sample; `undefined` on timeout or end of stream.
 *
 * @example
 * ```ts
 * import { pullSample } from "./appsink.ts";
 * import type { Pipeline } from "./pipeline.ts";
 * declare const pipeline: Pipeline; // with an appsink named "video"
 * const sample = await pullSample(pipeline.element("video"), 100);
 * ```
 */
export async function pullSample(appsink: GObject, timeoutMs: number): Promise<Sample | undefined> {
  const gst = lib().gst;
  const sample = await lib().app.gst_app_sink_try_pull_sample(appsink.ptr, BigInt(timeoutMs) * 1_000_000n);
  if (sample === null) return undefined;
  try {
    const buffer = gst.gst_sample_get_buffer(sample);
    if (buffer === null) return undefined;
    const size = Number(gst.gst_buffer_get_size(buffer));
    const data = new Uint8Array(size);
    gst.gst_buffer_extract(buffer, 0n, data, BigInt(size));
    const view = new Deno.UnsafePointerView(buffer);
    const pts = view.getBigUint64(PTS_OFFSET);
    const key = (view.getUint32(FLAGS_OFFSET) & DELTA_UNIT) === 0;
    const segment = gst.gst_sample_get_segment(sample);
    const running = segment === null || pts === NONE
      ? NONE
      : gst.gst_segment_to_running_time(segment, FORMAT_TIME, pts);
    return {
      data,
      ptsNs: pts === NONE ? undefined : pts,
      runningNs: running === NONE ? undefined : running,
      key,
    };
  } finally {
    gst.gst_sample_unref(sample);
  }
}
