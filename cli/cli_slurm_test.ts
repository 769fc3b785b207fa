/**
 * submit / list / status / cancel through `./selkies-hpc` against a real one-node SLURM cluster.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startSlurmCluster } from "../tests/harness/mod.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

Deno.test({
  name: "submit -> list -> status -> cancel on a real SLURM cluster",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const cluster = await startSlurmCluster();
    const home = await Deno.makeTempDir({ prefix: "selkies-cli-slurm-" });
    await Deno.chmod(home, 0o755);
    const env = {
      ...cluster.env,
      HOME: home,
      XDG_CONFIG_HOME: `${home}/xdg`,
      XDG_DATA_HOME: `${home}/data`,
      SELKIES_SITE_CONFIG: `${home}/site.yaml`,
      NO_COLOR: "1",
    };
    const cli = async (...args: string[]) => {
      const out = await new Deno.Command(`${ROOT}selkies-hpc`, {
        args,
        env,
        stdout: "piped",
        stderr: "piped",
      })
        .output();
      const d = new TextDecoder();
      return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
    };
    try {
      const sub = await cli(
        "submit",
        "--json",
        "--partition",
        cluster.partition,
        "--time",
        "00:05:00",
        "--gpus",
        "1",
        "--command",
        'echo "gpus=$CUDA_VISIBLE_DEVICES"; sleep 120',
      );
      assert.equal(sub.code, 0, sub.stderr);
      const { jobId, sessionDir } = JSON.parse(sub.stdout);
      assert.match(sub.stderr, new RegExp(`^submitted ${jobId}$`, "m"));
      assert.match(sub.stderr, /^(running|starting) on /m);
      assert.ok((await Deno.readTextFile(`${sessionDir}/job.sh`)).includes("#SBATCH --comment=selkies-hpc"));

      const list = await cli("list", "--json");
      assert.equal(list.code, 0, list.stderr);
      assert.ok(JSON.parse(list.stdout).some((j: { jobId: string }) => j.jobId === jobId));

      const status = await cli("status", "--json", jobId);
      assert.equal(status.code, 0, status.stderr);
      const info = JSON.parse(status.stdout);
      assert.equal(info.state, "RUNNING");
      assert.equal(info.sessionDir, sessionDir);

      const cancel = await cli("cancel", jobId);
      assert.equal(cancel.code, 0, cancel.stderr);

      const rejected = await cli("submit", "--partition", "nosuchpart", "--command", "true", "--no-wait");
      assert.equal(rejected.code, 2, rejected.stderr);
      assert.match(rejected.stderr, /^selkies-hpc: /m);
      const missing = await cli("status", "999999");
      assert.equal(missing.code, 1);
    } finally {
      await cluster.stop();
      await Deno.remove(home, { recursive: true });
    }
  },
});
