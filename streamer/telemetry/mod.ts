/**
 * Job telemetry on the compute node: CPU and memory of the job against its allocation (its cgroup v2, or the
 * session's processes), its GPUs (nvidia-smi), the node, and a warning before memory runs out. The session
 * sends the samples to its viewers (protocol/telemetry.ts) and shows them at `/metrics`. docs/telemetry.md
 * explains the figures.
 *
 * @example
 * ```ts
 * import { TelemetrySampler } from "./mod.ts";
 * const sampler = new TelemetrySampler({ node: "gpu01", cpus: 4, onWarning: (text) => console.warn(text) });
 * sampler.close();
 * ```
 *
 * @module
 */
export * from "./cgroup.ts";
export * from "./gpu.ts";
export * from "./limits.ts";
export * from "./memory_watch.ts";
export * from "./proc_stat.ts";
export * from "./procs.ts";
export * from "./sampler.ts";
