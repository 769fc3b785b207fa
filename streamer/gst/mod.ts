/**
 * GStreamer driven through Deno FFI: the only place in selkies-hpc that touches native pointers.
 *
 * @example
 * ```ts
 * import { Pipeline, pullSample } from "./mod.ts";
 * const pipeline = Pipeline.parse("videotestsrc num-buffers=5 ! x264enc ! appsink name=out");
 * await pipeline.setState("playing");
 * const sample = await pullSample(pipeline.element("out"), 1000);
 * ```
 *
 * @module
 */
export { type GArg, GObject, type SignalHandler } from "./object.ts";
export { type BusEnd, gstInit, Pipeline, State } from "./pipeline.ts";
export { pullSample, type Sample } from "./appsink.ts";
export { createDataChannel, createOffer, setRemoteAnswer, transceivers } from "./webrtc.ts";
export { hardExit } from "./exit.ts";
export { PLAYOUT_DELAY_ID, PLAYOUT_DELAY_URI, registerPlayoutDelay } from "./playout_delay.ts";
