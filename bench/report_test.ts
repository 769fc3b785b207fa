import assert from "node:assert/strict";
import { measured, report } from "./_fixture.ts";
import { breakdownLines } from "./breakdown.ts";
import { markdownSummary } from "./markdown.ts";
import { latencySvg } from "./svg.ts";

const sample = report([
  ["selkies-websocket", "motion", { ...measured(60, 30, 6, 80), clientStats: { decodeMs: 10 } }],
  ["novnc", "motion", measured(15, 120, 20, 30)],
]);

Deno.test("the SVG has a box per case and panel, with escaped labels and p50/p95 captions", () => {
  const svg = latencySvg(sample);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<rect x=/g) ?? []).length, 2 * 3); // calibration + 2 cases, 2 panels
  assert.match(svg, /selkies-websocket \/ motion/);
  assert.match(svg, /30 \/ 30/);
  const hostile = report([["novnc", "idle", measured(1, 5, 0, 0)]]);
  hostile.cases[0].peer = "<b>" as never;
  assert.doesNotMatch(latencySvg(hostile), /<b>/);
});

Deno.test("an empty sample set is drawn as 'no samples' instead of a box", () => {
  const r = report([["novnc", "idle", { ...measured(1, 5, 0, 0), samples: { latency: [], input: [] } }]]);
  assert.match(latencySvg(r), /no samples/);
});

Deno.test("the breakdown subtracts the calibration floor and the decode from the median", () => {
  const [ours] = breakdownLines(sample);
  assert.match(
    ours,
    /p50 30 ms = ~8 ms waiting .* \+ 10 ms decode \+ 12 ms capture, encode, transport and queueing/,
  );
});

Deno.test("the Markdown summary carries the machine, the table and the targets", () => {
  const md = markdownSummary(sample);
  assert.match(md, /Machine: 2 CPUs/);
  assert.match(md, /\| selkies-websocket \/ motion \| 60 \|/);
  assert.match(md, /- met: 1080p60 at <= 100% of one core server-side \[selkies-websocket\]/);
});
