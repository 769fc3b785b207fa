import assert from "node:assert/strict";
import { percentile, summarize } from "./stats.ts";

Deno.test("percentile interpolates between ranks and ignores input order", () => {
  assert.equal(percentile([4, 1, 3, 2], 50), 2.5);
  assert.equal(percentile([10, 20], 0), 10);
  assert.equal(percentile([10, 20], 100), 20);
  assert.equal(percentile([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 95), 95);
});

Deno.test("percentile of nothing is NaN and an out-of-range p throws", () => {
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile([1], 101), RangeError);
});

Deno.test("summarize reports counts and rounded percentiles, nulls when empty", () => {
  const s = summarize([1, 2, 3, 4, 100]);
  assert.deepEqual(s, { n: 5, min: 1, p50: 3, p95: 80.8, p99: 96.2, max: 100, mean: 22 });
  assert.equal(summarize([]).p50, null);
});
