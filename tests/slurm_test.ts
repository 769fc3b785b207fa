/**
 * The scheduler library against a real one-node SLURM cluster (munged + slurmctld + slurmd, two
 * fake GPUs), shared by every test in this file.
 */
import assert from "node:assert/strict";
import {
  cancelJob,
  expandNodeList,
  getJob,
  JobIdError,
  type JobInfo,
  listSessions,
  SchedulerError,
  showJob,
  submitJob,
  waitForRunning,
  type WaitPhase,
} from "../jobs/scheduler/mod.ts";
import { jobFacts, SlurmQueryError } from "../web/gateway/slurm.ts";
import { isAlive, type SlurmCluster, startSlurmCluster } from "./harness/mod.ts";
import { runCommand } from "../exec.ts";
import { waitFor } from "./fixtures/async.ts";

let cluster: SlurmCluster;
let timeLimited: { jobId: string; submitted: number };

Deno.test.beforeAll(async () => {
  cluster = await startSlurmCluster();
  console.log(`SLURM test cluster up in ${cluster.startupMs} ms`);
  // SLURM's smallest limit is one minute and slurmctld checks limits only every 30 s, so a real
  // `--time=1` kill took 89 s here. The job keeps its real limit, but its end time is pulled to
  // "now" once it runs: the kill then comes at the next check (<= 30 s), overlapping the other tests.
  const { jobId } = await submitJob(job({ time: "1", selkies: false, body: "sleep 600" }), {
    env: cluster.env,
  });
  await waitForRunning(jobId, { env: cluster.env, pollMs: 200, timeoutMs: 20_000 });
  await scontrol(["update", `JobId=${jobId}`, `EndTime=${slurmLocalTime(new Date(Date.now() + 1000))}`]);
  timeLimited = { jobId, submitted: Date.now() };
});

Deno.test.afterAll(async () => {
  await cluster?.stop();
});

// Jobs a test submitted; cancelled after each test (also when it failed) so none holds the node.
const submitted: string[] = [];
Deno.test.afterEach(async () => {
  const ids = submitted.splice(0);
  if (ids.length) await new Deno.Command("scancel", { args: ids, env: cluster.env }).output();
});

interface JobOptions {
  body: string;
  /** Extra `#SBATCH` options. */
  sbatch?: string[];
  selkies?: boolean;
  gpus?: number;
  time?: string;
  partition?: string;
}

/** A batch script whose output lands in the cluster's job folder as `<jobid>.out`. */
function job(o: JobOptions): string {
  return [
    "#!/bin/sh",
    ...(o.selkies === false ? [] : ["#SBATCH --comment=selkies-hpc"]),
    `#SBATCH --output=${cluster.jobDir}/%j.out`,
    `#SBATCH --chdir=${cluster.jobDir}`,
    ...(o.gpus ? [`#SBATCH --gpus=${o.gpus}`] : []),
    ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.sbatch ?? []).map((opt) => `#SBATCH ${opt}`),
    // The pid file lets tests check that the job's processes are gone after it ends.
    'echo $$ > "$SLURM_JOB_ID.pid"',
    o.body,
    "",
  ].join("\n");
}

async function scontrol(args: string[]): Promise<void> {
  const out = await new Deno.Command("scontrol", { args, env: cluster.env }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
}

/** `YYYY-MM-DDTHH:MM:SS` in local time, as scontrol reads times. */
function slurmLocalTime(d: Date): string {
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
}

async function submit(script: string): Promise<{ jobId: string }> {
  const result = await submitJob(script, { env: cluster.env });
  submitted.push(result.jobId);
  return result;
}

/** How the tests poll SLURM and the job's files: every 200 ms, 15 s at most. */
const POLL = { timeoutMs: 15_000, intervalMs: 200 };

async function readOutput(jobId: string, needle: RegExp): Promise<string> {
  return await waitFor(`${needle} in job ${jobId}'s output`, async () => {
    const text = await Deno.readTextFile(`${cluster.jobDir}/${jobId}.out`).catch(() => "");
    return needle.test(text) ? text : undefined;
  }, POLL);
}

async function jobPid(jobId: string): Promise<number> {
  return Number(
    await waitFor(`job ${jobId}'s pid file`, async () => {
      const text = await Deno.readTextFile(`${cluster.jobDir}/${jobId}.pid`).catch(() => "");
      return /^\d+\n$/.test(text) ? text : undefined;
    }, POLL),
  );
}

/** Submits as user nobody (its own MUNGE credential), like a second user of the cluster. */
async function submitAsNobody(script: string): Promise<string> {
  const out = await runCommand(
    "runuser",
    ["-u", "nobody", "--", "env", `SLURM_CONF=${cluster.confPath}`, "sbatch", "--parsable"],
    { stdin: script },
  );
  assert.equal(out.code, 0, out.stderr);
  const jobId = out.stdout.trim();
  submitted.push(jobId);
  return jobId;
}

Deno.test("a submitted selkies job runs on the node with one GPU and its SLURM environment", async () => {
  const { jobId } = await submit(job({ gpus: 1, body: "env | sort\nsleep 300" }));
  assert.match(jobId, /^\d+$/);
  const phases: [WaitPhase, string][] = [];
  const info = await waitForRunning(jobId, {
    env: cluster.env,
    pollMs: 200,
    timeoutMs: 20_000,
    onProgress: (phase, i) => phases.push([phase, i.state]),
  });
  assert.equal(info.state, "RUNNING");
  assert.equal(info.node, cluster.nodeName);
  assert.equal(info.partition, "debug");
  assert.equal(info.comment, "selkies-hpc");
  assert.equal(info.timeLimitSeconds, 8 * 3600);
  assert.ok(info.timeLeftSeconds! > 8 * 3600 - 60);
  assert.ok(info.startTime && info.submitTime);
  assert.deepEqual(phases.at(-1), ["running", "RUNNING"]);
  const out = await readOutput(jobId, /^SLURM_JOB_ID=/m);
  assert.match(out, new RegExp(`^SLURM_JOB_ID=${jobId}$`, "m"));
  assert.match(out, /^CUDA_VISIBLE_DEVICES=\d$/m);
  assert.match(out, /^SLURM_JOB_GPUS=\d$/m);
  await cancelJob(jobId, { env: cluster.env });
});

Deno.test("waitForRunning reports queued with the pending reason, then running", async () => {
  // The first job takes both GPUs, so the second waits for Resources until the first is cancelled.
  const hog = (await submit(job({ gpus: 2, body: "sleep 300" }))).jobId;
  await waitForRunning(hog, { env: cluster.env, pollMs: 200, timeoutMs: 20_000 });
  const { jobId } = await submit(job({ gpus: 1, body: "sleep 300" }));
  const seen: [WaitPhase, string | undefined][] = [];
  let cancelled = false;
  const info = await waitForRunning(jobId, {
    env: cluster.env,
    pollMs: 200,
    timeoutMs: 30_000,
    onProgress: (phase, i) => {
      seen.push([phase, i.reason]);
      if (phase === "queued" && i.reason === "Resources" && !cancelled) {
        cancelled = true;
        cancelJob(hog, { env: cluster.env }).catch((e) => seen.push(["queued", String(e)]));
      }
    },
  });
  assert.equal(info.state, "RUNNING");
  assert.equal(seen[0][0], "queued");
  assert.ok(cancelled, `never saw the reason Resources: ${JSON.stringify(seen)}`);
  assert.deepEqual(seen.at(-1), ["running", undefined]);
});

Deno.test("waitForRunning gives up at its timeout and on abort, leaving the job queued", async () => {
  const hog = (await submit(job({ gpus: 2, body: "sleep 300" }))).jobId;
  await waitForRunning(hog, { env: cluster.env, pollMs: 200, timeoutMs: 20_000 });
  const { jobId } = await submit(job({ gpus: 2, body: "sleep 300" }));
  await assert.rejects(
    waitForRunning(jobId, { env: cluster.env, pollMs: 200, timeoutMs: 1000 }),
    (e: SchedulerError) => e instanceof SchedulerError && /did not start within 1 s/.test(e.message),
  );
  const abort = new AbortController();
  setTimeout(() => abort.abort(new Error("user pressed ^C")), 300);
  await assert.rejects(
    waitForRunning(jobId, { env: cluster.env, pollMs: 200, signal: abort.signal }),
    /user pressed \^C/,
  );
  assert.equal((await getJob(jobId, { env: cluster.env }))?.state, "PENDING");
  await cancelJob(jobId, { env: cluster.env });
  await cancelJob(hog, { env: cluster.env });
});

Deno.test("cancelJob ends a running job and its processes", async () => {
  const { jobId } = await submit(job({ body: "sleep 300" }));
  await waitForRunning(jobId, { env: cluster.env, pollMs: 200, timeoutMs: 20_000 });
  const pid = await jobPid(jobId);
  assert.ok(isAlive(pid));
  await cancelJob(jobId, { env: cluster.env });
  const ended = await waitFor("the job to leave the queue", async () => {
    const j = await getJob(jobId, { env: cluster.env });
    return j?.state === "CANCELLED" ? j : undefined;
  }, POLL);
  assert.equal(ended.state, "CANCELLED");
  await waitFor(`pid ${pid} to exit`, () => !isAlive(pid), { ...POLL, timeoutMs: 10_000 });
  assert.ok(
    !(await listSessions({ env: cluster.env })).some((j) => j.jobId === jobId && j.state !== "CANCELLED"),
  );
  // Cancelling again is a clear error, as are unknown and malformed ids.
  await assert.rejects(cancelJob(jobId, { env: cluster.env }), /already ended \(CANCELLED\)/);
  await assert.rejects(cancelJob("987654", { env: cluster.env }), /987654 is not known to SLURM/);
  await assert.rejects(cancelJob("1;reboot", { env: cluster.env }), JobIdError);
});

Deno.test("waitForRunning fails clearly when the job ends before it runs", async () => {
  const hog = (await submit(job({ gpus: 2, body: "sleep 300" }))).jobId;
  await waitForRunning(hog, { env: cluster.env, pollMs: 200, timeoutMs: 20_000 });
  const { jobId } = await submit(job({ gpus: 1, body: "sleep 300" }));
  const waiting = waitForRunning(jobId, { env: cluster.env, pollMs: 200, timeoutMs: 20_000 });
  await cancelJob(jobId, { env: cluster.env });
  await assert.rejects(waiting, /ended before it started running \(CANCELLED/);
  await cancelJob(hog, { env: cluster.env });
});

Deno.test("sbatch rejections become SchedulerErrors that say what to do", async () => {
  const cases: [string, RegExp][] = [
    [job({ partition: "nope", body: "true" }), /partition "nope" does not exist/],
    [job({ partition: "short", time: "10", body: "true" }), /requested time exceeds the partition's limit/],
    [job({ gpus: 3, body: "true" }), /no node in that partition has what you asked for/],
    [job({ sbatch: ["--gres=fpga:1"], body: "true" }), /GPU\/gres request is not valid/],
  ];
  for (const [script, message] of cases) {
    await assert.rejects(submit(script), (e: SchedulerError) => {
      assert.ok(e instanceof SchedulerError, `${e} for ${script}`);
      assert.equal(e.exitCode, 2);
      assert.match(e.message, message);
      assert.match(e.stderr, /sbatch: error:/);
      return true;
    }, script);
  }
  await assert.rejects(
    submitJob(job({ body: "true" }), { env: { ...cluster.env, PATH: "/nonexistent" } }),
    /sbatch not found on PATH/,
  );
});

Deno.test("listSessions returns only this user's selkies jobs", async () => {
  const mine = (await submit(job({ body: "sleep 300" }))).jobId;
  const plain = (await submit(job({ selkies: false, body: "sleep 300" }))).jobId;
  const theirs = await submitAsNobody(job({ body: "sleep 300" }));
  const active = (jobs: JobInfo[]) =>
    jobs.filter((j) => ["PENDING", "RUNNING"].includes(j.state)).map((j) => j.jobId);
  assert.deepEqual(active(await listSessions({ env: cluster.env })), [mine]);
  assert.deepEqual(active(await listSessions({ env: cluster.env, user: "nobody" })), [theirs]);
  assert.equal((await getJob(plain, { env: cluster.env }))?.comment, undefined);
  assert.equal((await getJob(theirs, { env: cluster.env }))?.user, "nobody");
  await assert.rejects(cancelJob(theirs, { env: cluster.env }), /belongs to user nobody/);
});

Deno.test("showJob and the gateway's jobFacts read one job: owner and UID, expanded nodes, scheduled end", async () => {
  const theirs = await submitAsNobody(job({ body: "sleep 300" }));
  const running = await waitForRunning(theirs, { env: cluster.env, pollMs: 200, timeoutMs: 20_000 });
  const shown = await showJob(theirs, { env: cluster.env });
  assert.equal(shown?.user, "nobody");
  assert.equal(shown?.uid, 65534);
  assert.equal(shown?.state, "RUNNING");
  assert.deepEqual(await expandNodeList(shown!.node!, { env: cluster.env }), [cluster.nodeName]);
  const end = Date.parse(shown!.endTime!);
  assert.ok(Math.abs(end - (Date.parse(running.startTime!) + 8 * 3600_000)) <= 2000, shown!.endTime);

  // The gateway reads the same facts through the scheduler (web/gateway/verify.ts relies on them).
  const facts = await jobFacts(theirs, cluster.env);
  assert.deepEqual(facts, {
    jobId: theirs,
    state: "RUNNING",
    user: "nobody",
    uid: 65534,
    nodes: [cluster.nodeName],
    endTime: end,
    name: shown!.name,
  });
  await assert.rejects(
    jobFacts("987654", cluster.env),
    (e: SlurmQueryError) => e instanceof SlurmQueryError && e.message === "SLURM does not know job 987654",
  );
  await assert.rejects(jobFacts("1;reboot", cluster.env), /not a job id/);
  await assert.rejects(
    jobFacts(theirs, { ...cluster.env, PATH: "/nonexistent" }),
    (e: SlurmQueryError) => e instanceof SlurmQueryError && /scontrol not found on PATH/.test(e.message),
  );
  assert.equal(await showJob("987654", { env: cluster.env }), undefined);
});

Deno.test("a job over its time limit is killed (TIMEOUT) and its processes end", async () => {
  const { jobId, submitted } = timeLimited;
  const pid = await jobPid(jobId);
  const ended = await waitFor("the time limit to be enforced", async () => {
    const j = await getJob(jobId, { env: cluster.env });
    return j?.state === "TIMEOUT" ? j : undefined;
  }, { ...POLL, timeoutMs: 60_000 });
  console.log(`time-limit kill seen ${Math.round((Date.now() - submitted) / 1000)} s after the end time`);
  assert.equal(ended.state, "TIMEOUT");
  await waitFor(`pid ${pid} to exit`, () => !isAlive(pid), { ...POLL, timeoutMs: 10_000 });
});
