import assert from "node:assert/strict";
import { latencyOverTime } from "./over_time.ts";

Deno.test("a growing queue shows as a last-10-s p50 above the first one", () => {
  // One sample a second for 60 s, latency growing 5 ms a second.
  const at = Array.from({ length: 60 }, (_, i) => i * 1000 + 500);
  const r = latencyOverTime(at.map((t) => 20 + 5 * Math.floor(t / 1000)), at, 60_000)!;
  assert.deepEqual(r, { windowS: 10, firstP50: 42.5, lastP50: 292.5, firstN: 10, lastN: 10 });
});

Deno.test("shorter than two windows there is no comparison; an empty window is null", () => {
  assert.equal(latencyOverTime([10, 20], [0, 15_000], 19_999), null);
  const r = latencyOverTime([10], [100], 20_000)!;
  assert.equal(r.firstP50, 10);
  assert.equal(r.lastP50, null);
  assert.equal(r.lastN, 0);
});

Deno.test("latencies without a time each are an error", () => {
  assert.throws(() => latencyOverTime([1, 2], [0], 30_000), RangeError);
});
