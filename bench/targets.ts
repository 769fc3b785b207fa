/**
 * The project's performance targets, checked against a report (reported, never asserted).
 *
 * @module
 */
import type { BenchReport, CaseResult } from "./run.ts";

/** One target for one transport: met, missed, or not measurable in this run. */
export interface TargetCheck {
  /** What the target says. */
  target: string;
  /** Which of our transports it was checked for. */
  transport: string;
  /** True met, false missed, null not measured. */
  met: boolean | null;
  /** The numbers behind the verdict. */
  detail: string;
}

/** Glass-to-glass p50 within this many ms of VNC's counts as matching it. */
export const MATCH_SLACK_MS = 5;

/**
 * Checks the targets for each of our transports against noVNC and the calibration.
 *
 * @example
 * ```ts
 * import { checkTargets } from "./targets.ts";
 * import type { BenchReport } from "./run.ts";
 * declare const report: BenchReport;
 * for (const t of checkTargets(report)) console.log(t.met, t.target, t.detail);
 * ```
 */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const find = (peer: string, content: string): CaseResult | undefined =>
    report.cases.find((c) => c.peer === peer && c.content === content && c.measurement !== null);
  const checks: TargetCheck[] = [];
  for (const peer of ["selkies-websocket", "selkies-webrtc"]) {
    if (!report.cases.some((c) => c.peer === peer)) continue;
    const add = (target: string, met: boolean | null, detail: string) =>
      checks.push({ target, transport: peer, met, detail });
    const motion = find(peer, "motion")?.measurement;
    const vncMotion = find("novnc", "motion")?.measurement;
    if (motion) {
      add(
        "1080p60 at <= 100% of one core server-side",
        motion.fps >= 55 && (motion.serverCpu ?? Infinity) <= 100,
        `${motion.fps} fps at ${motion.serverCpu}% of a core (${report.geometry})`,
      );
      add(
        "glass-to-glass p50 <= 35 ms on loopback",
        (motion.latency.p50 ?? Infinity) <= 35,
        `p50 ${motion.latency.p50} ms (motion)`,
      );
    } else {
      add("1080p60 at <= 100% of one core server-side", null, "no motion measurement");
      add("glass-to-glass p50 <= 35 ms on loopback", null, "no motion measurement");
    }
    if (motion && vncMotion) {
      add(
        ">= 3x noVNC's fps on full-screen motion at <= its bandwidth",
        motion.fps >= 3 * vncMotion.fps && motion.mbps <= vncMotion.mbps,
        `${motion.fps} vs ${vncMotion.fps} fps (${
          ratio(motion.fps, vncMotion.fps)
        }), ${motion.mbps} vs ${vncMotion.mbps} Mbit/s`,
      );
    } else {
      add(
        ">= 3x noVNC's fps on full-screen motion at <= its bandwidth",
        null,
        "motion not measured on both sides",
      );
    }
    for (const content of ["text", "idle"]) {
      const ours = find(peer, content)?.measurement;
      const vnc = find("novnc", content)?.measurement;
      const target =
        `${content}: match VNC latency (p50 within ${MATCH_SLACK_MS} ms) and <= 2x its bandwidth`;
      if (!ours || !vnc) {
        if (report.cases.some((c) => c.content === content)) {
          add(target, null, `${content} not measured on both sides`);
        }
        continue;
      }
      const met = (ours.latency.p50 ?? Infinity) <= (vnc.latency.p50 ?? 0) + MATCH_SLACK_MS &&
        ours.mbps <= 2 * vnc.mbps;
      add(
        target,
        met,
        `p50 ${ours.latency.p50} vs ${vnc.latency.p50} ms, ${ours.mbps} vs ${vnc.mbps} Mbit/s (${
          ratio(ours.mbps, vnc.mbps)
        })`,
      );
    }
  }
  return checks;
}

function ratio(a: number, b: number): string {
  return b > 0 ? `${Math.round((a / b) * 10) / 10}x` : "n/a";
}
