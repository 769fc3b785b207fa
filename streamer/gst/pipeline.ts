/**
 * GStreamer pipelines from a gst-launch description: state changes, elements by name, bus errors,
 * upstream keyframe requests.
 *
 * @module
 */
import { cstr, lib, readCstr } from "./_lib.ts";
import { GObject } from "./object.ts";

/** Pipeline states (GstState). */
export const State = { null: 1, ready: 2, paused: 3, playing: 4 } as const;

/** A message from the bus that ends the pipeline. */
export type BusEnd = { type: "eos" } | { type: "error"; message: string; debug: string };

const GST_MESSAGE_EOS = 1 << 0;
const GST_MESSAGE_ERROR = 1 << 1;
const GST_MESSAGE_TYPE_OFFSET = 64; // GstMessage: GstMiniObject (64 bytes), then the type
const CLOCK_TIME_NONE = 0xffffffffffffffffn;

let initialized = false;

/**
 * Initializes GStreamer once per process.
 *
 * @example
 * ```ts
 * import { gstInit } from "./pipeline.ts";
 * gstInit();
 * ```
 */
export function gstInit(): void {
  if (initialized) return;
  if (!lib().gst.gst_init_check(null, null, null)) throw new Error("GStreamer failed to initialize");
  initialized = true;
}

/** A pipeline built from a gst-launch description. */
export class Pipeline extends GObject {
  /**
   * Parses a description (e.g. `videotestsrc ! appsink name=sink`).
   *
   * @throws {Error} with GStreamer's message when the description does not parse.
   * @example
   * ```ts
   * import { Pipeline } from "./pipeline.ts";
   * const pipeline = Pipeline.parse("videotestsrc num-buffers=10 ! fakesink");
   * await pipeline.setState("playing");
   * ```
   */
  static parse(description: string): Pipeline {
    gstInit();
    const error = new BigUint64Array(1);
    const ptr = lib().gst.gst_parse_launch(cstr(description), new Uint8Array(error.buffer));
    if (ptr === null || error[0] !== 0n) {
      throw new Error(`pipeline does not parse: ${gerrorMessage(error[0])} (${description})`);
    }
    return new Pipeline(ptr);
  }

  /**
   * Finds a named element of the pipeline.
   *
   * @throws {TypeError} when there is no element of that name.
   * @example
   * ```ts
   * import type { Pipeline } from "./pipeline.ts";
   * declare const pipeline: Pipeline;
   * const encoder = pipeline.element("enc");
   * ```
   */
  element(name: string): GObject {
    const ptr = lib().gst.gst_bin_get_by_name(this.ptr, cstr(name));
    if (ptr === null) throw new TypeError(`pipeline has no element named "${name}"`);
    return new GObject(ptr);
  }

  /**
   * Changes state off the JavaScript thread (a state change waits on streaming threads that may sit in
   * our callbacks); resolves with GstStateChangeReturn (0 failure, 1 success, 2 async, 3 no-preroll).
   *
   * @example
   * ```ts
   * import type { Pipeline } from "./pipeline.ts";
   * declare const pipeline: Pipeline;
   * await pipeline.setState("playing");
   * ```
   */
  setState(state: keyof typeof State): Promise<number> {
    return lib().gst.gst_element_set_state(this.ptr, State[state]);
  }

  /**
   * Changes the state of one named element inside the running pipeline (e.g. pausing a live source
   * so it stops producing); resolves with GstStateChangeReturn like {@linkcode Pipeline.setState}.
   *
   * @example
   * ```ts
   * import type { Pipeline } from "./pipeline.ts";
   * declare const pipeline: Pipeline;
   * await pipeline.setElementState("src", "paused");
   * ```
   */
  async setElementState(name: string, state: keyof typeof State): Promise<number> {
    const ptr = lib().gst.gst_bin_get_by_name(this.ptr, cstr(name));
    if (ptr === null) throw new TypeError(`pipeline has no element named "${name}"`);
    try {
      return await lib().gst.gst_element_set_state(ptr, State[state]);
    } finally {
      lib().gst.gst_object_unref(ptr);
    }
  }

  /**
   * Waits up to `timeoutMs` for an error or end-of-stream on the bus; `undefined` when none came.
   *
   * @example
   * ```ts
   * import type { Pipeline } from "./pipeline.ts";
   * declare const pipeline: Pipeline;
   * const end = await pipeline.nextEnd(100);
   * if (end?.type === "error") console.error(end.message);
   * ```
   */
  async nextEnd(timeoutMs: number): Promise<BusEnd | undefined> {
    const bus = lib().gst.gst_element_get_bus(this.ptr);
    try {
      const msg = await lib().gst.gst_bus_timed_pop_filtered(
        bus,
        BigInt(timeoutMs) * 1_000_000n,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR,
      );
      if (msg === null) return undefined;
      const type = new Deno.UnsafePointerView(msg).getUint32(GST_MESSAGE_TYPE_OFFSET);
      if (type === GST_MESSAGE_EOS) {
        lib().gst.gst_message_unref(msg);
        return { type: "eos" };
      }
      const gerror = new BigUint64Array(1);
      const debug = new BigUint64Array(1);
      lib().gst.gst_message_parse_error(msg, new Uint8Array(gerror.buffer), new Uint8Array(debug.buffer));
      lib().gst.gst_message_unref(msg);
      const debugText = readCstr(Deno.UnsafePointer.create(debug[0]), true) ?? "";
      return { type: "error", message: gerrorMessage(gerror[0]), debug: debugText };
    } finally {
      lib().gst.gst_object_unref(bus);
    }
  }

  /**
   * The pipeline's running time now, in nanoseconds: its clock's time minus its base time, the scale buffer
   * timestamps of live sources are on (so, less a sample's `runningNs`, how long ago it was captured).
   * `undefined` while the pipeline has no clock (before it plays).
   *
   * @example
   * ```ts
   * import { type Pipeline, pullSample } from "./mod.ts";
   * declare const pipeline: Pipeline; // playing, with an appsink named "video"
   * const sample = await pullSample(pipeline.element("video"), 100);
   * const ageNs = pipeline.runningTimeNs()! - sample!.runningNs!;
   * ```
   */
  runningTimeNs(): bigint | undefined {
    const gst = lib().gst;
    const clock = gst.gst_element_get_clock(this.ptr);
    if (clock === null) return undefined;
    try {
      return gst.gst_clock_get_time(clock) - gst.gst_element_get_base_time(this.ptr);
    } finally {
      gst.gst_object_unref(clock);
    }
  }

  /**
   * Asks the encoder to make a keyframe: a GstForceKeyUnit event sent upstream into `element`'s src pad.
   *
   * @example
   * ```ts
   * import type { Pipeline } from "./pipeline.ts";
   * declare const pipeline: Pipeline;
   * pipeline.forceKeyUnit("enc");
   * ```
   */
  forceKeyUnit(element: string): boolean {
    const enc = this.element(element);
    const pad = lib().gst.gst_element_get_static_pad(enc.ptr, cstr("src"));
    if (pad === null) return false;
    const event = lib().video.gst_video_event_new_upstream_force_key_unit(CLOCK_TIME_NONE, 1, 0);
    const ok = lib().gst.gst_pad_send_event(pad, event) !== 0;
    lib().gst.gst_object_unref(pad);
    return ok;
  }
}

function gerrorMessage(address: bigint): string {
  // GError { GQuark domain; gint code; gchar *message }: the message pointer sits at byte 8.
  const ptr = Deno.UnsafePointer.create(address);
  if (ptr === null) return "unknown error";
  const message = new Deno.UnsafePointerView(ptr).getPointer(8);
  return readCstr(message) ?? "unknown error";
}
