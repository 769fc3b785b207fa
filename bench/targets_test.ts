import assert from "node:assert/strict";
import { measured, report } from "./_fixture.ts";
import { latencyOverTime } from "./over_time.ts";
import { summarize } from "./stats.ts";
import { checkTargets, type TargetCheck } from "./targets.ts";

/** The checks of one issue (or the first benchmark's, "first") as target -> verdict. */
function verdicts(
  checks: TargetCheck[],
  issue: "first" | "issue 10" | "issue 11",
): Record<string, boolean | null> {
  const mine = checks.filter((c) =>
    issue === "first" ? !/^issue \d+, /.test(c.target) : c.target.startsWith(`${issue}, `)
  );
  return Object.fromEntries(mine.map((c) => [`${c.transport} ${c.target.split(":")[0]}`, c.met]));
}

Deno.test("targets are met when our motion is 60 fps, fast, cheap and 3x noVNC at less bandwidth", () => {
  const checks = checkTargets(report([
    ["selkies-websocket", "motion", measured(60, 30, 6, 80)],
    ["novnc", "motion", measured(15, 120, 20, 30)],
  ]));
  assert.deepEqual(Object.values(verdicts(checks, "first")), [true, true, true]);
});

Deno.test("targets are missed with the numbers in the detail, and unmeasured ones say so", () => {
  const checks = checkTargets(report([
    ["selkies-webrtc", "motion", measured(30, 110, 25, 140)],
    ["novnc", "motion", measured(15, 120, 20, 30)],
    ["selkies-webrtc", "text", measured(50, 30, 6, 60)],
    ["novnc", "text", measured(40, 20, 0.1, 8)],
    ["novnc", "idle", measured(2, 20, 0.01, 1)],
  ]));
  const byTarget = Object.fromEntries(
    checks.filter((c) => !c.target.startsWith("issue")).map((c) => [c.target.split(":")[0], c]),
  );
  assert.equal(byTarget["1080p60 at <= 100% of one core server-side"].met, false);
  assert.equal(byTarget[">= 3x noVNC's fps on full-screen motion at <= its bandwidth"].met, false);
  assert.match(byTarget["text"].detail, /6 vs 0.1 Mbit\/s/);
  assert.equal(byTarget["text"].met, false);
  assert.equal(byTarget["idle"].met, null);
  assert.equal(checks.every((c) => c.transport === "selkies-webrtc"), true);
});

Deno.test("no target is checked when our streamer was not run", () => {
  assert.deepEqual(checkTargets(report([["novnc", "motion", measured(15, 120, 20, 30)]])), []);
});

Deno.test("issue 11: the hybrid peer meets every target against VNC when its numbers say so", () => {
  const idle = { ...measured(2, 20, 0.02, 1), clientStats: { videoBytes: 0 } };
  const checks = checkTargets(report([
    ["selkies-hybrid", "region", measured(60, 14, 0.5, 8)],
    ["novnc", "region", measured(55, 11, 0.6, 7)],
    ["selkies-hybrid", "text", measured(30, 15, 0.15, 9)],
    ["novnc", "text", measured(28, 19, 0.1, 8)],
    ["selkies-hybrid", "scroll", measured(60, 18, 1.5, 20)],
    ["novnc", "scroll", measured(45, 25, 1, 15)],
    ["selkies-hybrid", "code", measured(30, 16, 0.3, 10)],
    ["novnc", "code", measured(30, 16, 0.2, 9)],
    ["selkies-hybrid", "motion", measured(40, 50, 10, 90)],
    ["novnc", "motion", measured(15, 120, 20, 30)],
    ["selkies-hybrid", "idle", idle],
    ["novnc", "idle", measured(2, 20, 0.01, 1)],
  ]));
  assert.deepEqual(verdicts(checks, "issue 11"), {
    "selkies-hybrid issue 11, region (640x120 at 60 Hz on a still screen)": true,
    "selkies-hybrid issue 11, text": true,
    "selkies-hybrid issue 11, scroll": true,
    "selkies-hybrid issue 11, code": true,
    "selkies-hybrid issue 11, motion": true,
    "selkies-hybrid issue 11, idle": true, // both idle checks share the prefix; the last one wins here
  });
  assert.equal(checks.filter((c) => c.target.startsWith("issue 11, idle")).every((c) => c.met), true);
  // The first benchmark's targets are for the full-frame video transports only.
  assert.deepEqual(verdicts(checks, "first"), {});
});

Deno.test("issue 11: misses carry the numbers; unmeasured sides and unreported video bytes are null", () => {
  const checks = checkTargets(report([
    ["selkies-hybrid", "region", measured(60, 20, 3, 45)],
    ["novnc", "region", measured(55, 11, 0.6, 7)],
    ["selkies-hybrid", "scroll", measured(30, 40, 6, 50)],
    ["novnc", "scroll", measured(45, 25, 1, 15)],
    ["selkies-hybrid", "code", measured(30, 16, 0.3, 10)],
    ["selkies-hybrid", "idle", measured(2, 20, 0.02, 3)],
  ]));
  const byTarget = Object.fromEntries(checks.map((c) => [c.target, c]));
  const region = checks.find((c) => c.target.startsWith("issue 11, region"))!;
  assert.equal(region.met, false);
  assert.match(region.detail, /server CPU 45 vs 7% \(6.4x\), p50 20 vs 11 ms/);
  const scroll = checks.find((c) => c.target.startsWith("issue 11, scroll"))!;
  assert.equal(scroll.met, false);
  assert.match(scroll.detail, /6 vs 1 Mbit\/s \(6x\), p50 40 vs 25 ms, 30 vs 45 fps/);
  assert.equal(checks.find((c) => c.target.startsWith("issue 11, code"))!.met, null);
  assert.equal(byTarget["issue 11, idle: zero video bytes with a viewer connected"].met, null);
  assert.match(byTarget["issue 11, idle: zero video bytes with a viewer connected"].detail, /0.02 Mbit\/s/);
  assert.equal(byTarget["issue 11, idle: < 2% of a core server-side"].met, false);
});

Deno.test("issue 10: each WebSocket peer against WebRTC per content, and its p99 against its own p50", () => {
  const spread = (p50: number, tail: number) => ({
    ...measured(30, p50, 5, 80),
    latency: summarize([...Array(98).fill(p50), tail, tail]),
  });
  const checks = checkTargets(report([
    ["selkies-websocket", "text", spread(40, 100)],
    ["selkies-webrtc", "text", measured(30, 45, 5, 80)],
    ["selkies-websocket", "motion", spread(60, 400)],
    ["selkies-webrtc", "motion", measured(30, 50, 5, 80)],
    ["selkies-hybrid", "scroll", spread(20, 30)],
  ]));
  assert.deepEqual(verdicts(checks, "issue 10"), {
    "selkies-websocket issue 10, text": true,
    "selkies-websocket issue 10, motion": false,
    "selkies-hybrid issue 10, scroll": true,
  });
  const get = (peer: string, target: string) =>
    checks.find((c) => c.transport === peer && c.target === `issue 10, ${target}`)!;
  assert.equal(get("selkies-websocket", "text: g2g p50 <= WebRTC's").met, true);
  assert.equal(get("selkies-websocket", "text: g2g p99 <= 3x its own p50").met, true);
  assert.equal(get("selkies-websocket", "motion: g2g p50 <= WebRTC's").met, false);
  assert.equal(get("selkies-websocket", "motion: g2g p99 <= 3x its own p50").met, false);
  assert.match(get("selkies-websocket", "motion: g2g p99 <= 3x its own p50").detail, /p99 400 ms, p50 60 ms/);
  assert.equal(get("selkies-hybrid", "scroll: g2g p50 <= WebRTC's").met, null);
  assert.equal(get("selkies-hybrid", "scroll: g2g p99 <= 3x its own p50").met, true);
});

/** A report whose second, fourth... cases are the starved viewer's (same peer and content as the one before). */
function withStarved(cases: [string, string, ReturnType<typeof measured>][]) {
  const r = report(cases);
  r.cases.forEach((c, i) => c.starved = i % 2 === 1 ? { cpu: 1, loops: 1, pinned: 6 } : null);
  r.starved = { loops: 1, durationS: 60 };
  return r;
}

/** A 60 s measurement whose first and last 10 s have the given p50s. */
function overTime(p50: number, first: number, last: number) {
  return {
    ...measured(20, p50, 5, 80),
    durationS: 60,
    latencyOverTime: latencyOverTime([first, last], [0, 59_000], 60_000),
  };
}

Deno.test("issue 10 starved: p50 within 2x the unstarved one and a flat last 10 s are met", () => {
  const checks = checkTargets(withStarved([
    ["selkies-websocket", "text", measured(30, 40, 5, 80)],
    ["selkies-websocket", "text", overTime(75, 70, 80)], // 70 * 1.1 + 5 = 82 allowed
    ["novnc", "text", measured(20, 30, 1, 10)],
    ["novnc", "text", overTime(300, 100, 900)], // not ours: no starved target
  ]));
  const starved = checks.filter((c) => c.target.includes("(starved)"));
  assert.deepEqual(starved.map((c) => [c.transport, c.target, c.met]), [
    ["selkies-websocket", "issue 10, text (starved): g2g p50 <= 2x the unstarved p50", true],
    [
      "selkies-websocket",
      "issue 10, text (starved): last 10 s p50 <= first 10 s p50 (no growing queue)",
      true,
    ],
  ]);
  assert.match(starved[0].detail, /p50 75 vs 40 ms \(1.9x\)/);
  assert.match(
    starved[1].detail,
    /first 10 s p50 70 ms, last 10 s 80 ms \(allowed up to 82 ms: 10% \+ 5 ms of noise\)/,
  );
  // The normal targets read the unstarved case only (its 40 ms, not the starved 75 ms).
  assert.match(
    checks.find((c) => c.target === "text: match VNC latency (p50 within 5 ms) and <= 2x its bandwidth")!
      .detail,
    /p50 40 vs 30 ms/,
  );
});

Deno.test("issue 10 starved: a growing queue and a doubled p50 are missed; short or failed cases are null", () => {
  const r = withStarved([
    ["selkies-webrtc", "motion", measured(30, 50, 5, 80)],
    ["selkies-webrtc", "motion", overTime(140, 60, 300)],
    ["selkies-websocket", "motion", measured(30, 50, 5, 80)],
    ["selkies-websocket", "motion", measured(10, 60, 5, 80)], // 10 s: no over-time numbers
    ["selkies-hybrid", "text", measured(30, 20, 1, 10)],
    ["selkies-hybrid", "text", measured(30, 20, 1, 10)],
  ]);
  r.cases[5].measurement = null;
  r.cases[5].error = "boom";
  const starved = Object.fromEntries(
    checkTargets(r).filter((c) => c.target.includes("(starved)")).map((c) => [
      `${c.transport} ${c.target.split(": ")[1].split(" ")[0]}`,
      c,
    ]),
  );
  assert.equal(starved["selkies-webrtc g2g"].met, false);
  assert.equal(starved["selkies-webrtc last"].met, false);
  assert.equal(starved["selkies-websocket g2g"].met, true);
  assert.equal(starved["selkies-websocket last"].met, null);
  assert.match(starved["selkies-websocket last"].detail, /10 s \(< 20 s\)/);
  assert.equal(starved["selkies-hybrid g2g"].met, null);
  assert.equal(starved["selkies-hybrid last"].detail, "the starved case failed");
});
