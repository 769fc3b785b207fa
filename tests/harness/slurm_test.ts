import assert from "node:assert/strict";
import { waitForRunning } from "../../jobs/scheduler/mod.ts";
import { pidsHolding } from "./_procs.ts";
import { SlurmClusterError, startSlurmCluster } from "./slurm.ts";

async function slurm(cmd: string, args: string[], env: Record<string, string>): Promise<string> {
  const out = await new Deno.Command(cmd, { args, env }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

Deno.test("two clusters run side by side, each IDLE with gpu:2, and stop leaves nothing behind", async () => {
  const [a, b] = await Promise.all([startSlurmCluster(), startSlurmCluster({ nodeName: "other" })]);
  try {
    assert.notEqual(a.confPath, b.confPath);
    const nodeA = await slurm("scontrol", ["show", "node", "-o", a.nodeName], a.env);
    assert.match(nodeA, /State=IDLE/);
    assert.match(nodeA, /Gres=gpu:2/);
    assert.match(await slurm("sinfo", ["-h", "-o", "%P %l"], a.env), /^debug\* 8:00:00\nshort 5:00\n$/);
    assert.match(await slurm("scontrol", ["show", "node", "-o", "other"], b.env), /State=IDLE/);
    // A job left running is ended by stop() along with the daemons.
    const jobId = await slurm("sbatch", ["--parsable", `--chdir=${a.jobDir}`, "--wrap", "sleep 300"], a.env);
    await waitForRunning(jobId.trim(), { env: a.env, pollMs: 200, timeoutMs: 20_000 });
    assert.ok(pidsHolding(a.dir).length >= 5); // 3 daemons, slurmscriptd, slurmstepd, the job
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  for (const c of [a, b]) {
    assert.deepEqual(pidsHolding(c.dir), []);
    await assert.rejects(Deno.stat(c.dir), Deno.errors.NotFound);
  }
  await a.stop(); // idempotent
});

Deno.test("a startup failure tears down what started and reports the daemon logs", async () => {
  const before = new Set((await Array.fromAsync(Deno.readDir("/tmp"))).map((e) => e.name));
  await assert.rejects(
    startSlurmCluster({ extraConf: ["SelectType=select/nonexistent"], startTimeoutMs: 10_000 }),
    (e: Error) => {
      assert.ok(e instanceof SlurmClusterError);
      assert.match(e.message, /SLURM test cluster failed to start/);
      assert.match(e.message, /--- var\/slurmctld/); // the logs are in the message
      return true;
    },
  );
  const left = (await Array.fromAsync(Deno.readDir("/tmp"))).map((e) => e.name)
    .filter((n) => n.startsWith("selkies-slurm-") && !before.has(n));
  assert.deepEqual(left, []);
});
