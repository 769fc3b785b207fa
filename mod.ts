/**
 * selkies-hpc as a library: job specs and SLURM control, the streamer, and the gateway.
 *
 * @module
 */
export * from "./jobs/mod.ts";
export * from "./protocol/protocol.ts";
export * from "./log.ts";
export { runStream, type StreamRunOptions } from "./streamer/stream.ts";
