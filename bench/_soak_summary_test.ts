import assert from "node:assert/strict";
import { judgeSeries, judgeSoak, slope, verdictTable } from "./_soak_summary.ts";

Deno.test("slope is the least-squares rise per minute, nulls skipped", () => {
  assert.equal(slope([1, 3, 5]), 2);
  assert.equal(slope([4, null, 4]), 0);
  assert.equal(slope([7]), 0);
});

Deno.test("RSS is flagged above 10 % growth after the warm-up minute, not for the warm-up itself", () => {
  assert.equal(judgeSeries({ name: "a", kind: "rss", values: [50, 100, 105, 109] }).flag, null);
  assert.match(judgeSeries({ name: "a", kind: "rss", values: [50, 100, 105, 111] }).flag!, /\+11 %/);
  assert.equal(
    judgeSeries({ name: "a", kind: "rss", values: [100, 130] }).warm,
    100,
    "two samples: no warm-up",
  );
});

Deno.test("fds and threads are flagged only when they grew at every sample after the warm-up", () => {
  assert.match(judgeSeries({ name: "fds", kind: "count", values: [5, 10, 11, 12] }).flag!, /10 → 12/);
  assert.equal(judgeSeries({ name: "fds", kind: "count", values: [5, 10, 11, 11, 12] }).flag, null);
  assert.equal(
    judgeSeries({ name: "fds", kind: "count", values: [5, 10, 11] }).flag,
    null,
    "warm-up growth only",
  );
  assert.equal(judgeSeries({ name: "fds", kind: "count", values: [10, 11] }).flag, null, "too few to say");
});

Deno.test("latency p99 is flagged above 50 %; a series without values is flat", () => {
  assert.match(judgeSeries({ name: "p99", kind: "latency", values: [80, 80, 130] }).flag!, /\+63 %/);
  assert.equal(judgeSeries({ name: "p99", kind: "latency", values: [null, null] }).flag, null);
});

Deno.test("failed churn viewers are a flag row, and the table says 'not flat'", () => {
  const verdicts = judgeSoak([{ name: "x", kind: "count", values: [1, 2, 3, 4] }], 1);
  assert.equal(verdicts.length, 2);
  const table = verdictTable(verdicts);
  assert.match(table, /\| x \| 1 \| 2 \| 4 \| 1\.00 \| \*\*not flat\*\*/);
  assert.match(table, /1 viewers got no picture/);
});
