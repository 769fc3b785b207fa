import assert from "node:assert/strict";
import { descendants, PAGE_BYTES, parseProcStat, readProcSamples } from "./proc_stat.ts";

Deno.test("parseProcStat reads pid, ppid, CPU ticks, resident pages and start time past an odd command name", () => {
  const line =
    "314 (Web Content (x)) R 27 314 27 0 -1 4194560 100 0 0 0 1250 310 0 0 20 0 9 0 777 123456 4321 1844";
  assert.deepEqual(parseProcStat(line), { pid: 314, ppid: 27, ticks: 1560, rssPages: 4321, startTicks: 777 });
  assert.throws(() => parseProcStat("garbage"), SyntaxError);
});

Deno.test("readProcSamples: this process's resident memory is what /proc/self/status says (VmRSS)", () => {
  const me = readProcSamples().find((p) => p.pid === Deno.pid);
  assert.ok(me, "this process is listed");
  const vmRss = Number(/^VmRSS:\s+(\d+) kB/m.exec(Deno.readTextFileSync("/proc/self/status"))![1]) * 1024;
  // Both are the kernel's one RSS counter, read a moment apart.
  assert.ok(
    Math.abs(me.rssPages * PAGE_BYTES - vmRss) < 8 * 1024 * 1024,
    `${me.rssPages} pages vs ${vmRss} B`,
  );
  assert.equal(me.ppid, Number(Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ")[1]));
});

Deno.test("descendants walks the tree, skips excluded subtrees and unknown roots", () => {
  const all = [[1, 0], [2, 1], [3, 2], [4, 2], [5, 4], [6, 1]].map(([pid, ppid]) => ({ pid, ppid }));
  assert.deepEqual([...descendants(all, [2])].sort(), [2, 3, 4, 5]);
  assert.deepEqual([...descendants(all, [2], (p) => p === 4)].sort(), [2, 3]);
  assert.deepEqual([...descendants(all, [99])], []);
});
