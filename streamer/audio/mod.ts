/**
 * The session's private PulseAudio server, and the browser's microphone played into it.
 *
 * @module
 */
export * from "./pulse.ts";
export * from "./microphone.ts";
