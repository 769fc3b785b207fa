import assert from "node:assert/strict";
import { descendants, parseStat } from "./procstat.ts";
import { parseCpuLine, startCpuMeter } from "./cpu_meter.ts";

Deno.test("parseStat reads pid, ppid and utime+stime past a command name with spaces and parens", () => {
  const s = parseStat("314 (Web Content (x)) R 27 314 27 0 -1 4194560 100 0 0 0 1250 310 0 0 20 0 9");
  assert.deepEqual(s, { pid: 314, ppid: 27, ticks: 1560 });
  assert.throws(() => parseStat("garbage"), SyntaxError);
});

Deno.test("descendants walks the tree and skips excluded subtrees", () => {
  const all = [[1, 0], [2, 1], [3, 2], [4, 2], [5, 4], [6, 1]].map(([pid, ppid]) => ({
    pid,
    ppid,
    ticks: 0,
  }));
  assert.deepEqual([...descendants(all, [2])].sort(), [2, 3, 4, 5]);
  assert.deepEqual([...descendants(all, [2], (p) => p === 4)].sort(), [2, 3]);
  assert.deepEqual([...descendants(all, [99])], []);
});

Deno.test("a CPU meter sees a busy loop in this process", async () => {
  const meter = await startCpuMeter(() => new Set([Deno.pid]));
  const end = performance.now() + 300;
  while (performance.now() < end) { /* spin */ }
  const percent = await meter.stop();
  assert.ok(percent > 50 && percent < 250, `expected about one core, got ${percent}`);
});

Deno.test("parseCpuLine counts everything but idle and iowait as busy", () => {
  assert.deepEqual(parseCpuLine("cpu  100 5 50 800 40 3 2 0 0 0"), { busy: 160, total: 1000 });
  assert.throws(() => parseCpuLine("intr 1 2 3"), SyntaxError);
});
