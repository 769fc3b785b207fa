/**
 * Sessions over more than one compute node: a two-node SLURM cluster (two slurmd on this host) and two
 * session jobs submitted with `selkies-hpc submit --sbatch-options exclusive`, which SLURM places on
 * different nodes.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startSlurmCluster } from "./harness/mod.ts";
import { waitFor } from "./fixtures/async.ts";

const CLI = fileURLToPath(new URL("../selkies-hpc", import.meta.url));

Deno.test("two exclusive session jobs run on the two nodes of a two-node cluster", async () => {
  await using cluster = await startSlurmCluster({ nodeName: "c1", moreNodes: ["c2"] });
  assert.deepEqual(cluster.nodeNames, ["c1", "c2"]);
  const home = await Deno.makeTempDir({ prefix: "selkies-scale-home-" });
  try {
    const env = {
      ...cluster.env,
      HOME: home,
      XDG_CONFIG_HOME: `${home}/config`,
      XDG_DATA_HOME: `${home}/data`,
      SELKIES_SITE_CONFIG: `${home}/no-site.yaml`,
      NO_COLOR: "1",
    };
    const cli = async (...args: string[]) => {
      const out = await new Deno.Command(CLI, { args, env, stdin: "null" }).output();
      const text = new TextDecoder();
      assert.equal(out.code, 0, text.decode(out.stderr));
      return JSON.parse(text.decode(out.stdout));
    };
    // --command keeps the job light (no desktop); exclusive asks SLURM for a whole node per job.
    const jobs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const sub = await cli(
        "submit",
        "--json",
        "--partition",
        cluster.partition,
        "--time",
        "00:10:00",
        "--sbatch-options",
        "exclusive",
        "--command",
        "sleep 300",
      );
      jobs.push(sub.jobId);
    }
    const nodes = await Promise.all(jobs.map((jobId) =>
      waitFor(`job ${jobId} running`, async () => {
        const status = await cli("status", "--json", jobId);
        return status.state === "RUNNING" ? status.node as string : undefined;
      }, { timeoutMs: 30_000, intervalMs: 300 })
    ));
    assert.deepEqual(nodes.sort(), ["c1", "c2"]);
  } finally {
    await cluster.stop();
    await Deno.remove(home, { recursive: true });
  }
});
