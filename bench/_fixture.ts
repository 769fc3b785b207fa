/**
 * Synthetic reports for the tests of the report writers (pure logic, no measuring).
 *
 * @module
 */
import type { Measurement } from "./measure.ts";
import type { BenchReport, CaseResult } from "./run.ts";
import { summarize } from "./stats.ts";

/** A measurement with the given headline numbers. */
export function measured(fps: number, p50: number, mbps: number, serverCpu: number): Measurement {
  return {
    firstFrameS: 1,
    durationS: 10,
    fps,
    displayFps: 60,
    unreadablePct: 0,
    latency: summarize([p50]),
    input: summarize([p50]),
    mbps,
    serverCpu,
    contentCpu: 1,
    clientCpu: 50,
    otherCpu: 0,
    pipeline: null,
    clientStats: null,
    webrtc: null,
    samples: { latency: [p50], input: [p50] },
  };
}

/** A report of the given cases (peer, content, measurement). */
export function report(cases: [string, string, Measurement][]): BenchReport {
  return {
    version: 1,
    startedAt: "",
    wallS: 1,
    quick: false,
    geometry: "1920x1080",
    machine: { nproc: 2, cpu: "x", kernel: "k", chromium: "c", deno: "d" },
    loadAtStart: 0,
    calibration: measured(60, 8, 0, 0),
    cases: cases.map(([peer, content, measurement]): CaseResult => ({
      peer: peer as CaseResult["peer"],
      content: content as CaseResult["content"],
      settings: {},
      measurement,
      error: null,
      leftBehind: 0,
    })),
  };
}
