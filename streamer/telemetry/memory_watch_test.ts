import assert from "node:assert/strict";
import { MemoryWatch } from "./memory_watch.ts";

const GIB = 1024 ** 3;
const memory = (usedGib: number, oomKills?: number) => ({
  usedBytes: usedGib * GIB,
  limitBytes: 10 * GIB,
  limitSource: "slurm" as const,
  ...(oomKills === undefined ? {} : { oomKills }),
});

Deno.test("memory watch: warns once per crossing of 90 %, re-armed only below 85 %", () => {
  const watch = new MemoryWatch();
  assert.equal(watch.observe(memory(5)), undefined);
  assert.equal(watch.observe(memory(8.99)), undefined);
  const first = watch.observe(memory(9.2));
  assert.match(first!, /^Memory is almost full: 9\.2 of 10\.0 GiB \(92 %, limit from the job's --mem\)/);
  assert.match(first!, /Save your work/);
  assert.equal(watch.observe(memory(9.9)), undefined, "said once while it stays high");
  assert.equal(watch.observe(memory(8.7)), undefined, "87 %: not re-armed yet");
  assert.equal(watch.observe(memory(9.1)), undefined, "hovering at the threshold warns once");
  assert.equal(watch.observe(memory(8)), undefined, "80 %: re-armed");
  assert.match(watch.observe(memory(9.5))!, /95 %/);
});

Deno.test("memory watch: a kill by the kernel's OOM killer is told, the first reading only sets the count", () => {
  const watch = new MemoryWatch();
  assert.equal(watch.observe(memory(1, 3)), undefined, "kills before the session started are not news");
  assert.equal(watch.observe(memory(1, 3)), undefined);
  assert.match(
    watch.observe(memory(1, 4))!,
    /^The kernel killed a process of this job for lack of memory\.$/,
  );
  assert.match(watch.observe(memory(9.5, 6))!, /killed 2 processes.*Memory is almost full/);
});

Deno.test("memory watch: no limit known (0) never warns", () => {
  const watch = new MemoryWatch();
  assert.equal(watch.observe({ usedBytes: 5 * GIB, limitBytes: 0, limitSource: "node" }), undefined);
});
