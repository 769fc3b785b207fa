/**
 * Where the time goes in each case: what the page can separate (the wait for the next animation
 * frame, the decode) from what it cannot (capture, encode, transport, queueing), and how busy the
 * machine was.
 *
 * @module
 */
import type { BenchReport } from "./run.ts";

/**
 * One line per measured case of ours, splitting the median glass-to-glass latency.
 *
 * @example
 * ```ts
 * import { breakdownLines } from "./breakdown.ts";
 * import type { BenchReport } from "./run.ts";
 * declare const report: BenchReport;
 * for (const line of breakdownLines(report)) console.log(line);
 * ```
 */
export function breakdownLines(report: BenchReport): string[] {
  const floor = report.calibration.latency.p50 ?? 0;
  const available = report.machine.nproc * 100;
  const lines: string[] = [];
  for (const c of report.cases) {
    const m = c.measurement;
    if (!m || m.latency.p50 === null) continue;
    const statsDecode = typeof m.clientStats?.decodeMs === "number" ? m.clientStats.decodeMs as number : null;
    const decode = m.webrtc?.decodeMs || statsDecode;
    const jitter = m.webrtc?.jitterBufferMs ?? null;
    const pipeline = m.pipeline?.p50 ?? null;
    const known = floor + (decode ?? 0) + (jitter ?? 0) + (pipeline ?? 0);
    const rest = Math.max(0, m.latency.p50 - known);
    const busy = (m.serverCpu ?? 0) + m.clientCpu + m.contentCpu + (m.otherCpu ?? 0);
    const parts = [
      `~${floor} ms waiting for the next animation frame (calibration)`,
      decode !== null ? `${round(decode)} ms decode` : "decode time not reported",
      ...(jitter !== null ? [`${round(jitter)} ms in WebRTC's jitter buffer`] : []),
      ...(pipeline !== null
        ? [`${round(pipeline)} ms convert + encode in the server's pipeline (tracer p50)`]
        : []),
      pipeline !== null
        ? `${round(rest)} ms capture, transport and queueing`
        : `${round(rest)} ms capture, encode, transport and queueing`,
    ];
    lines.push(
      `- ${c.peer} / ${c.content}: p50 ${m.latency.p50} ms = ${
        parts.join(" + ")
      }. CPU: server ${m.serverCpu}% + ` +
        `browser ${m.clientCpu}% + content ${m.contentCpu}% + other processes ${m.otherCpu ?? "?"}% = ${
          round(busy)
        }% of ` +
        `the ${available}% this machine has` +
        (busy > 0.85 * available ? " (CPU-bound: the stages queue behind each other)." : "."),
    );
  }
  return lines;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
