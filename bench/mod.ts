/**
 * The benchmark suite: our streamer against TigerVNC + websockify + noVNC (`deno task bench`).
 *
 * @example
 * ```ts ignore
 * import { runBenchmark, writeResults } from "./mod.ts";
 * const report = await runBenchmark({ peers: ["novnc"], contents: ["idle"], durationS: 3, warmupS: 1 });
 * await writeResults(report, "/tmp/bench");
 * ```
 *
 * @module
 */
export { type BenchArgs, BenchUsageError, parseBenchArgs, writeResults } from "./main.ts";
export { type BenchReport, type CaseResult, runBenchmark, type RunOptions } from "./run.ts";
export type { Measurement } from "./measure.ts";
export { type PeerName, PEERS } from "./peer.ts";
export { CONTENT_MODES, type ContentMode } from "./content/stamp.ts";
export { checkTargets, type TargetCheck } from "./targets.ts";
export { decodeTimeCode, elapsedSince, encodeTimeCode, type TimeCode } from "./timecode.ts";
export { percentile, summarize, type Summary } from "./stats.ts";
