import assert from "node:assert/strict";
import { startStarver } from "./_starve.ts";

const allowed = (pid: number) =>
  /^Cpus_allowed_list:\s*(\S+)/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`))?.[1];
const alive = (pid: number) => {
  try {
    return !/^State:\s*Z/m.test(Deno.readTextFileSync(`/proc/${pid}/status`));
  } catch {
    return false;
  }
};

Deno.test("the busy loops and the pinned processes share one CPU; stop ends the loops", async () => {
  const victim = new Deno.Command("sleep", { args: ["30"], stdout: "null", stderr: "null" }).spawn();
  const starver = startStarver({ loops: 2, maxS: 30 });
  try {
    assert.equal(starver.pids.length, 2);
    assert.equal(await starver.pin(() => new Set([victim.pid])), 1);
    assert.equal(allowed(victim.pid), String(starver.cpu));
    // taskset execs bash: the child is the loop, on the CPU once taskset has run (a moment after the spawn).
    const onCpu = () => starver.pids.every((pid) => allowed(pid) === String(starver.cpu));
    for (let i = 0; i < 50 && !onCpu(); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(onCpu(), true);
  } finally {
    await starver.stop();
    await starver.stop();
    victim.kill("SIGKILL");
    await victim.status;
  }
  assert.equal(starver.pids.some(alive), false);
});

Deno.test("the loops end on their own after maxS (nothing left spinning if the bench dies)", async () => {
  const starver = startStarver({ loops: 1, maxS: 1, cpu: 0 });
  const deadline = Date.now() + 5000;
  while (starver.pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(starver.pids.some(alive), false);
  await starver.stop();
});

Deno.test("zero loops is an error", () => {
  assert.throws(() => startStarver({ loops: 0, maxS: 1 }), RangeError);
});

Deno.test("the loops end when the process that started them is gone", async () => {
  // A child Deno starts a loop and exits without stopping it (as a benchmark killed hard would); maxS 30 only
  // bounds a failure of this test.
  const code = `import { startStarver } from "${new URL("./_starve.ts", import.meta.url).href}";
    console.log(startStarver({ loops: 1, maxS: 30, cpu: 0 }).pids[0]);
    Deno.exit(0);`;
  const out = await new Deno.Command(Deno.execPath(), { args: ["eval", code], stderr: "inherit" }).output();
  const pid = Number(new TextDecoder().decode(out.stdout).trim());
  assert.ok(pid > 0);
  const deadline = Date.now() + 5000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(alive(pid), false);
});
