/**
 * Sessions over more than one compute node: a two-node SLURM cluster (two slurmd on this host) and two
 * session jobs submitted with `selkies-hpc submit --sbatch-options exclusive`, which SLURM places on
 * different nodes.
 */
import assert from "node:assert/strict";
import { startSlurmCluster } from "./harness/mod.ts";
import { waitFor } from "./fixtures/async.ts";
import { cliUser } from "./fixtures/cli_user.ts";

Deno.test("two exclusive session jobs run on the two nodes of a two-node cluster", async () => {
  await using cluster = await startSlurmCluster({ nodeName: "c1", moreNodes: ["c2"] });
  assert.deepEqual(cluster.nodeNames, ["c1", "c2"]);
  await using user = await cliUser({
    clusterEnv: cluster.env,
    partition: cluster.partition,
    prefix: "selkies-scale-home-",
  });
  // --command keeps the job light (no desktop); exclusive asks SLURM for a whole node per job.
  const jobs: string[] = [];
  for (let i = 0; i < 2; i++) {
    const sub = await user.submit("00:10:00", "--sbatch-options", "exclusive", "--command", "sleep 300");
    assert.equal(sub.code, 0, sub.stderr);
    jobs.push(JSON.parse(sub.stdout).jobId);
  }
  const nodes = await Promise.all(jobs.map((jobId) =>
    waitFor(`job ${jobId} running`, async () => {
      const status = await user.json<{ state: string; node: string }>("status", "--json", jobId);
      return status.state === "RUNNING" ? status.node : undefined;
    }, { timeoutMs: 30_000, intervalMs: 300 })
  ));
  assert.deepEqual(nodes.sort(), ["c1", "c2"]);
});
