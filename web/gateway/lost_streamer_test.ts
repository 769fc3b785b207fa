import assert from "node:assert/strict";
import type { JobInfo } from "../../jobs/scheduler/mod.ts";
import { TunnelCloseCode } from "../../protocol/tunnel.ts";
import { endForLostStreamer, type LostStreamerOptions } from "./lost_streamer.ts";
import { SessionRegistry } from "./registry.ts";
import type { GatewayTunnel } from "./tunnel_conn.ts";

const SESSION = "session-abc";
const lost = { open: false } as GatewayTunnel;
const job = (state: string, fields: Partial<JobInfo> = {}): JobInfo => ({
  jobId: "42",
  name: "selkies",
  user: "ada",
  state,
  node: "gpu01",
  ...fields,
});

/** Runs the rule with a short grace; `answers` is SLURM, asked once per poll. */
async function decide(answers: () => JobInfo | undefined, more: Partial<LostStreamerOptions> = {}) {
  let asked = 0;
  const end = await endForLostStreamer({
    sessionId: SESSION,
    jobId: "42",
    tunnel: lost,
    code: 1006,
    registry: new SessionRegistry(),
    graceMs: 150,
    pollMs: 10,
    lookup: () => {
      asked++;
      return Promise.resolve(answers());
    },
    ...more,
  });
  return { end, asked };
}

Deno.test("a job SLURM has ended names why at once", async () => {
  const { end, asked } = await decide(() => job("TIMEOUT", { timeLimitSeconds: 7200 }));
  assert.equal(asked, 1);
  assert.deepEqual(end, {
    t: "end",
    reason: "walltime",
    message: "Job 42 reached its time limit of 02:00:00. Start a new session to go on working.",
  });
  assert.equal((await decide(() => job("CANCELLED"))).end?.reason, "cancelled");
  assert.equal((await decide(() => job("NODE_FAIL"))).end?.reason, "node-failure");
  assert.equal((await decide(() => undefined)).end?.reason, "stopped", "a job SLURM forgot has ended");
});

Deno.test("a job that ends during the grace is SLURM's reason; one still running after it, a node failure", async () => {
  let polls = 0;
  const ending = await decide(() => ++polls < 4 ? job("RUNNING") : job("FAILED"));
  assert.equal(ending.end?.reason, "failed");
  const started = Date.now();
  const running = await decide(() => job("RUNNING"));
  assert.ok(Date.now() - started >= 150, "waited the grace for the streamer to come back");
  assert.ok(running.asked > 1, "SLURM was asked during the grace");
  assert.equal(running.end?.reason, "node-failure");
  assert.match(running.end!.message, /on gpu01 stopped answering while job 42 is still running/);
});

Deno.test("nothing to say when the gateway restarts, the streamer came back, or SLURM never answers", async () => {
  const restart = await decide(() => job("RUNNING"), { code: TunnelCloseCode.restarting });
  assert.deepEqual(restart, { end: undefined, asked: 0 });

  const registry = new SessionRegistry();
  let polls = 0;
  const back = await decide(() => {
    // The streamer registers again on a new tunnel while the gateway waits.
    if (++polls === 2) {
      registry.put({
        reg: { sessionId: SESSION, jobId: "42" } as never,
        uid: 1000,
        job: { jobId: "42", state: "RUNNING", user: "ada", uid: 1000, nodes: ["gpu01"], name: "selkies" },
        tunnel: { open: true } as GatewayTunnel,
        registeredAt: Date.now(),
      });
    }
    return job("RUNNING");
  }, { registry });
  assert.equal(back.end, undefined);
  assert.equal(back.asked, 2);

  const silent = await decide(() => {
    throw new Error("slurm_load_jobs error: Unable to contact slurm controller");
  });
  assert.equal(
    silent.end,
    undefined,
    "a page whose gateway cannot ask SLURM reconnects and gives up by itself",
  );
});
