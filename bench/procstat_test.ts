import assert from "node:assert/strict";
import process from "node:process";
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

Deno.test("a CPU meter sees a busy loop in this process, as much as the kernel gave it", async () => {
  // The kernel's own account of this process (getrusage) is the reference, not the wall clock: on a loaded
  // box the loop gets a third of a core, and the meter must say so.
  const wall0 = performance.now(), cpu0 = process.cpuUsage();
  const meter = await startCpuMeter(() => new Set([Deno.pid]));
  const end = performance.now() + 300;
  while (performance.now() < end) { /* spin */ }
  const percent = await meter.stop();
  const used = process.cpuUsage(cpu0), wallMs = performance.now() - wall0;
  const expected = (used.user + used.system) / 1000 / wallMs * 100;
  assert.ok(expected > 5, `the loop got no CPU at all (${expected.toFixed(1)} %)`);
  // /proc counts in 10 ms ticks: a 300 ms window is good to a few percent; 20 points leaves room for the
  // meter's and this test's windows not being the same instant.
  assert.ok(
    Math.abs(percent - expected) < 20,
    `meter ${percent.toFixed(1)} %, getrusage ${expected.toFixed(1)} %`,
  );
});

Deno.test("parseCpuLine counts everything but idle and iowait as busy", () => {
  assert.deepEqual(parseCpuLine("cpu  100 5 50 800 40 3 2 0 0 0"), { busy: 160, total: 1000 });
  assert.throws(() => parseCpuLine("intr 1 2 3"), SyntaxError);
});
