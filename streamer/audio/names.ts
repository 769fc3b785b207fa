/**
 * The session's PulseAudio device names, dependency-free: the media worker (run with `--no-config`, so it
 * cannot resolve the project's npm imports) builds its pipelines from them too.
 *
 * @module
 */

/** The null sink every application plays into; record `selkies.monitor`. */
export const SINK_NAME = "selkies";
/** The null sink the browser's microphone plays into (microphone.ts); nothing else plays there. */
export const MIC_SINK_NAME = "selkies_mic";
/** The source applications record the browser's microphone from: the default source. */
export const MIC_SOURCE_NAME = "selkies_mic_source";
