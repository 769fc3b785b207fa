/**
 * The session's private PulseAudio server.
 *
 * @module
 */
export * from "./pulse.ts";
