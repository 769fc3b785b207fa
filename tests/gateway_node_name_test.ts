/**
 * A real session job started with a plain `sbatch sbatch/selkies.sh` (SELKIES_GATEWAY set) registers at the
 * gateway both when SLURM's NodeName is the host name and when it is not (`NodeName=node1` on host `vm`, with
 * `NodeHostname` the real host name, as sites declare it): the streamer must claim the node SLURM knows.
 * The session id it registers derives from the token it made in its `slurm-<jobid>` folder.
 */
import assert from "node:assert/strict";
import { hostname } from "node:os";
import { startSlurmCluster } from "./harness/slurm.ts";
import { startSiteGateway } from "./harness/gateway.ts";
import { delay } from "./fixtures/async.ts";
import { sessionKeys } from "../protocol/session_id.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const SHORT_HOST = hostname().split(".")[0];
const text = new TextDecoder();

async function sessionRegisters(nodeName: string): Promise<void> {
  const cluster = await startSlurmCluster({ nodeName });
  const home = await Deno.makeTempDir({ prefix: "selkies-nodename-" });
  const gw = await startSiteGateway(cluster);
  let jobId = "";
  try {
    const out = await new Deno.Command("sbatch", {
      args: ["--parsable", "-p", cluster.partition, "-o", `${home}/job.log`, `${ROOT}/sbatch/selkies.sh`],
      cwd: home,
      env: {
        ...cluster.env,
        HOME: home,
        SELKIES_HPC_HOME: ROOT,
        SELKIES_SITE_CONFIG: `${home}/no-site.yaml`,
        SELKIES_MUNGE_SOCKET: cluster.mungeSocket,
        SELKIES_GATEWAY: gw.url,
        SELKIES_GEOMETRY: "640x360",
        SELKIES_FPS: "10",
        SELKIES_AUDIO: "false",
        SELKIES_APP: "xterm",
      },
      clearEnv: true,
    }).output();
    assert.ok(out.success, text.decode(out.stderr));
    jobId = text.decode(out.stdout).trim().split(";")[0];
    const folder = `${home}/.local/share/selkies-hpc/sessions/slurm-${jobId}`;
    const log = () => Deno.readTextFile(`${home}/job.log`).catch(() => "(no job log)");
    let ready: { url: string } | undefined;
    for (const deadline = Date.now() + 90_000; !ready; await delay(250)) {
      ready = await Deno.readTextFile(`${folder}/ready.json`).then(JSON.parse, () => undefined);
      if (ready) break;
      const state = text.decode(
        (await new Deno.Command("scontrol", { args: ["show", "job", "-o", jobId], env: cluster.env })
          .output())
          .stdout,
      );
      if (!/JobState=(PENDING|CONFIGURING|RUNNING)/.test(state) || Date.now() > deadline) {
        assert.fail(
          `the session never became ready (${state.match(/JobState=\S+/)}):\n${(await log()).slice(-3000)}`,
        );
      }
    }
    const { sessionId } = sessionKeys((await Deno.readTextFile(`${folder}/token`)).trim());
    assert.equal(new URL(ready.url).pathname, `/s/${sessionId}/`);
    const entry = gw.registry.get(sessionId);
    assert.equal(entry?.reg.node, nodeName);
    assert.equal(entry?.reg.jobId, jobId);
  } finally {
    if (jobId) await new Deno.Command("scancel", { args: [jobId], env: cluster.env }).output();
    await gw.stop();
    await cluster.stop();
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test({
  name: "a plain sbatch session registers under SLURM's node name, host name or not",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    await t.step(
      "NodeName differs from the host name",
      () => sessionRegisters(SHORT_HOST === "node1" ? "node2" : "node1"),
    );
    await t.step("NodeName is the short host name", () => sessionRegisters(SHORT_HOST));
  },
});
