/**
 * The project's performance targets, checked against a report (reported, never asserted):
 * the first benchmark's targets for the full-frame video transports, issue 11's for the hybrid encoding
 * against VNC, and issue 10's latency targets for the WebSocket transports against WebRTC and for a starved
 * viewer against an unstarved one.
 *
 * @module
 */
import type { Measurement } from "./measure.ts";
import type { BenchReport } from "./run.ts";

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
 * Checks every target against the report: each of our stacks against noVNC and the calibration, the
 * hybrid encoding against noVNC (issue 11), the WebSocket peers against WebRTC (issue 10).
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
  return [
    ...videoTargets(report),
    ...hybridTargets(report),
    ...websocketLatencyTargets(report),
    ...starvedTargets(report),
  ];
}

/** The measurement of a normal (not starved) case that ran, if any. */
function finder(report: BenchReport): (peer: string, content: string) => Measurement | undefined {
  return (peer, content) =>
    report.cases.find((c) => c.peer === peer && c.content === content && c.measurement && !c.starved)
      ?.measurement ?? undefined;
}

/** The first benchmark's targets, for the full-frame video transports. */
function videoTargets(report: BenchReport): TargetCheck[] {
  const find = finder(report);
  const checks: TargetCheck[] = [];
  for (const peer of ["selkies-websocket", "selkies-webrtc"]) {
    if (!report.cases.some((c) => c.peer === peer)) continue;
    const add = (target: string, met: boolean | null, detail: string) =>
      checks.push({ target, transport: peer, met, detail });
    const motion = find(peer, "motion");
    const vncMotion = find("novnc", "motion");
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
      const ours = find(peer, content);
      const vnc = find("novnc", content);
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

/** Terminal contents of issue 11's text target (xterm printing, a fast scroll, coloured code). */
const TERMINAL_CONTENTS = ["text", "scroll", "code"];
/** Issue 11's ceiling for a small change: server CPU, % of one core. */
export const SMALL_CHANGE_CPU = 10;
/** Issue 11's ceiling for an idle session with a viewer: server CPU, % of one core. */
export const IDLE_CPU = 2;

/** Issue 11: the hybrid encoding against TigerVNC + noVNC on the same content, same run. */
function hybridTargets(report: BenchReport): TargetCheck[] {
  const peer = "selkies-hybrid";
  if (!report.cases.some((c) => c.peer === peer)) return [];
  const find = finder(report);
  const checks: TargetCheck[] = [];
  const add = (target: string, met: boolean | null, detail: string) =>
    checks.push({ target: `issue 11, ${target}`, transport: peer, met, detail });
  const played = (content: string) => report.cases.some((c) => c.peer === peer && c.content === content);
  const both = (content: string, target: string): [Measurement, Measurement] | null => {
    const ours = find(peer, content);
    const vnc = find("novnc", content);
    if (ours && vnc) return [ours, vnc];
    if (played(content)) add(target, null, `${content} not measured on both sides`);
    return null;
  };

  const small =
    `region (640x120 at 60 Hz on a still screen): server CPU <= 2x VNC's and <= ${SMALL_CHANGE_CPU}% ` +
    `of a core, g2g p50 <= VNC's + ${MATCH_SLACK_MS} ms`;
  const region = both("region", small);
  if (region) {
    const [ours, vnc] = region;
    const cpu = ours.serverCpu ?? Infinity;
    add(
      small,
      cpu <= 2 * (vnc.serverCpu ?? 0) && cpu <= SMALL_CHANGE_CPU &&
        p50(ours) <= p50(vnc, 0) + MATCH_SLACK_MS,
      `server CPU ${ours.serverCpu} vs ${vnc.serverCpu}% (${ratio(cpu, vnc.serverCpu ?? 0)}), ` +
        `p50 ${ours.latency.p50} vs ${vnc.latency.p50} ms`,
    );
  }
  for (const content of TERMINAL_CONTENTS) {
    const target = `${content}: bandwidth <= 2x VNC's, g2g p50 <= VNC's, fps >= VNC's`;
    const pair = both(content, target);
    if (!pair) continue;
    const [ours, vnc] = pair;
    add(
      target,
      ours.mbps <= 2 * vnc.mbps && p50(ours) <= p50(vnc, 0) && ours.fps >= vnc.fps,
      `${ours.mbps} vs ${vnc.mbps} Mbit/s (${ratio(ours.mbps, vnc.mbps)}), p50 ${ours.latency.p50} vs ` +
        `${vnc.latency.p50} ms, ${ours.fps} vs ${vnc.fps} fps`,
    );
  }
  const moving = "motion: >= 2x VNC's fps at <= VNC's bandwidth";
  const motion = both("motion", moving);
  if (motion) {
    const [ours, vnc] = motion;
    add(
      moving,
      ours.fps >= 2 * vnc.fps && ours.mbps <= vnc.mbps,
      `${ours.fps} vs ${vnc.fps} fps (${ratio(ours.fps, vnc.fps)}), ${ours.mbps} vs ${vnc.mbps} Mbit/s`,
    );
  }
  const idle = find(peer, "idle");
  if (idle) {
    const video = videoBytes(idle);
    add(
      "idle: zero video bytes with a viewer connected",
      video === null ? null : video === 0,
      `${video === null ? "video bytes not reported by the client" : `${video} video bytes`}; ` +
        `${idle.mbps} Mbit/s in all (the time code changes twice a second)`,
    );
    add(
      `idle: < ${IDLE_CPU}% of a core server-side`,
      (idle.serverCpu ?? Infinity) < IDLE_CPU,
      `server CPU ${idle.serverCpu}%`,
    );
  } else if (played("idle")) add("idle", null, "idle not measured");
  return checks;
}

/**
 * H.264 bytes the page received, where its client counts them apart from the rest
 * (`selkiesStats.videoBytes`); null where it does not.
 */
function videoBytes(m: Measurement): number | null {
  const bytes = m.clientStats?.videoBytes;
  return typeof bytes === "number" ? bytes : null;
}

/** Issue 10: on every content, a WebSocket peer's g2g p50 no worse than WebRTC's, p99 <= 3x its own p50. */
function websocketLatencyTargets(report: BenchReport): TargetCheck[] {
  const find = finder(report);
  const checks: TargetCheck[] = [];
  for (const peer of ["selkies-websocket", "selkies-hybrid"]) {
    const contents = [...new Set(report.cases.filter((c) => c.peer === peer).map((c) => c.content))];
    for (const content of contents) {
      const add = (target: string, met: boolean | null, detail: string) =>
        checks.push({ target: `issue 10, ${content}: ${target}`, transport: peer, met, detail });
      const ours = find(peer, content);
      if (!ours) {
        add("g2g p50 <= WebRTC's, p99 <= 3x its own p50", null, `${peer} / ${content} not measured`);
        continue;
      }
      const webrtc = find("selkies-webrtc", content);
      add(
        "g2g p50 <= WebRTC's",
        webrtc ? p50(ours) <= p50(webrtc, 0) : null,
        webrtc
          ? `p50 ${ours.latency.p50} vs ${webrtc.latency.p50} ms`
          : "WebRTC not measured on this content",
      );
      add(
        "g2g p99 <= 3x its own p50",
        ours.latency.p99 === null ? null : ours.latency.p99 <= 3 * p50(ours),
        `p99 ${ours.latency.p99} ms, p50 ${ours.latency.p50} ms (${ratio(ours.latency.p99 ?? 0, p50(ours))})`,
      );
    }
  }
  return checks;
}

/** Noise allowed between a starved case's first and last 10 s: this share of the first p50 (plus the ms below). */
export const SLOPE_NOISE_SHARE = 0.1;
/** Noise allowed between a starved case's first and last 10 s, ms (on top of the share above). */
export const SLOPE_NOISE_MS = 5;

/**
 * Issue 10, starved viewer: p50 within 2x the same peer and content unstarved, and no growing queue (the last
 * 10 s no slower than the first, within the noise allowed); fps is what should give.
 */
function starvedTargets(report: BenchReport): TargetCheck[] {
  const normal = finder(report);
  const checks: TargetCheck[] = [];
  for (const c of report.cases) {
    if (!c.starved || !c.peer.startsWith("selkies-")) continue;
    const add = (target: string, met: boolean | null, detail: string) =>
      checks.push({ target: `issue 10, ${c.content} (starved): ${target}`, transport: c.peer, met, detail });
    const twice = "g2g p50 <= 2x the unstarved p50";
    const flat = "last 10 s p50 <= first 10 s p50 (no growing queue)";
    const starved = c.measurement;
    if (!starved) {
      for (const target of [twice, flat]) add(target, null, "the starved case failed");
      continue;
    }
    const base = normal(c.peer, c.content);
    add(
      twice,
      base && starved.latency.p50 !== null ? starved.latency.p50 <= 2 * p50(base, 0) : null,
      base
        ? `p50 ${starved.latency.p50} vs ${base.latency.p50} ms (${ratio(p50(starved, 0), p50(base, 0))}), ` +
          `${starved.fps} vs ${base.fps} fps, client CPU ${starved.clientCpu} vs ${base.clientCpu}%`
        : "the unstarved case was not measured",
    );
    const { firstP50: first = null, lastP50: last = null } = starved.latencyOverTime ?? {};
    if (first === null || last === null) {
      const why = starved.latencyOverTime ? "a 10 s window had no frame" : `${starved.durationS} s (< 20 s)`;
      add(flat, null, `not measurable: ${why}`);
      continue;
    }
    const allowed = Math.round((first * (1 + SLOPE_NOISE_SHARE) + SLOPE_NOISE_MS) * 10) / 10;
    add(
      flat,
      last <= allowed,
      `first 10 s p50 ${first} ms, last 10 s ${last} ms (allowed up to ${allowed} ms: ` +
        `${SLOPE_NOISE_SHARE * 100}% + ${SLOPE_NOISE_MS} ms of noise)`,
    );
  }
  return checks;
}

/** A measurement's g2g p50, or `missing` when it read no time code. */
function p50(m: Measurement, missing = Infinity): number {
  return m.latency.p50 ?? missing;
}

function ratio(a: number, b: number): string {
  return b > 0 ? `${Math.round((a / b) * 10) / 10}x` : "n/a";
}
