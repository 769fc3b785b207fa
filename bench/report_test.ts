import assert from "node:assert/strict";
import { measured, report } from "./_fixture.ts";
import { breakdownLines } from "./breakdown.ts";
import { markdownSummary } from "./markdown.ts";
import { latencySvg } from "./svg.ts";
import { caseName, COLUMNS, resultRows } from "./table.ts";

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

Deno.test("starved cases are named apart, side by side, with p50 of the first and last 10 s", () => {
  const long = {
    ...measured(20, 60, 5, 80),
    latencyOverTime: { windowS: 10, firstP50: 55, lastP50: 64.5, firstN: 200, lastN: 190 },
  };
  const r = report([
    ["selkies-webrtc", "text", measured(30, 40, 5, 80)],
    ["selkies-webrtc", "text", long],
  ]);
  r.cases[1].starved = { cpu: 1, loops: 2, pinned: 7 };
  r.starved = { loops: 2, durationS: 60 };
  const rows = resultRows(r);
  const at = (header: string) => COLUMNS.indexOf(header);
  assert.equal(rows[1][0], "selkies-webrtc / text");
  assert.equal(rows[2][0], "selkies-webrtc / text (starved)");
  assert.deepEqual([rows[1][at("p50 first 10s")], rows[1][at("p50 last 10s")]], ["-", "-"]);
  assert.deepEqual([rows[2][at("p50 first 10s")], rows[2][at("p50 last 10s")]], ["55", "64.5"]);
  const md = markdownSummary(r);
  assert.match(md, /\| selkies-webrtc \/ text \(starved\) \| 20 \|/);
  assert.match(md, /pinned to CPU 1 and 2 busy loop\(s\) pinned to the same CPU, measured for 60 s/);
  assert.match(md, /- met: issue 10, text \(starved\): last 10 s p50 <= first 10 s p50/);
  assert.equal(caseName({ peer: "novnc", content: "idle", starved: null }), "novnc / idle");
});

Deno.test("a report from before the starved mode renders without it", () => {
  const md = markdownSummary(sample);
  assert.doesNotMatch(md, /Starved viewer/);
});
