import assert from "node:assert/strict";
import { jobHasEnded, parseScontrolJob, parseSqueueJson, slurmDuration } from "./job_info.ts";

// Captured from the test cluster (SLURM 22.05.8): jobs 1 (root, selkies, --gpus=1 -t 30), 2 (root,
// plain), 3 (nobody, selkies), 4 (root, selkies, pending array 1-2); squeue ran at epoch 1795613753.
const squeue = Deno.readTextFileSync(new URL("./testdata/squeue_22.05.json", import.meta.url));
const scontrol = Deno.readTextFileSync(new URL("./testdata/scontrol_22.05.txt", import.meta.url));
const NOW = new Date(1795613753_000);

Deno.test("parseSqueueJson maps SLURM 22.05 fields onto JobInfo", () => {
  const jobs = parseSqueueJson(squeue, NOW);
  assert.deepEqual(jobs.map((j) => [j.jobId, j.user, j.comment ?? ""]), [
    ["1", "root", "selkies-hpc"],
    ["2", "root", ""],
    ["3", "nobody", "selkies-hpc"],
    ["4", "root", "selkies-hpc"],
  ]);
  assert.deepEqual(jobs[0], {
    jobId: "1",
    name: "selkies",
    user: "root",
    uid: 0,
    state: "RUNNING",
    node: "node1",
    partition: "debug",
    timeLimitSeconds: 1800,
    timeLeftSeconds: 1795,
    submitTime: new Date(1795613746_000).toISOString(),
    startTime: new Date(1795613748_000).toISOString(),
    endTime: new Date(1795615548_000).toISOString(), // the start plus the 30 min limit
    comment: "selkies-hpc",
  });
  // Pending: a reason, no node, no start time, no time left.
  assert.deepEqual(jobs[3], {
    jobId: "4",
    name: "big",
    user: "root",
    uid: 0,
    state: "PENDING",
    reason: "Resources",
    partition: "debug",
    timeLimitSeconds: 28800,
    submitTime: new Date(1795613746_000).toISOString(),
    comment: "selkies-hpc",
  });
});

Deno.test("parseSqueueJson reads SLURM 23.02+ number objects and state arrays", () => {
  const text = JSON.stringify({
    jobs: [{
      job_id: 9,
      array_job_id: { set: true, number: 8 },
      array_task_id: { set: true, number: 3 },
      name: "x",
      user_name: "alice",
      job_state: ["RUNNING"],
      state_reason: "None",
      nodes: "n1",
      time_limit: { set: false, infinite: true, number: 0 },
      start_time: { set: true, number: 100 },
      submit_time: { set: true, number: 90 },
    }],
  });
  const [job] = parseSqueueJson(text, new Date(200_000));
  assert.equal(job.jobId, "8_3");
  assert.equal(job.state, "RUNNING");
  assert.equal(job.timeLimitSeconds, undefined);
  assert.equal(job.startTime, new Date(100_000).toISOString());
});

Deno.test("a job cancelled while pending has no start time (SLURM stamps one anyway)", () => {
  const text = JSON.stringify({
    jobs: [{ job_id: 5, job_state: "CANCELLED", nodes: "", start_time: 100, submit_time: 90 }],
  });
  assert.equal(parseSqueueJson(text)[0].startTime, undefined);
  const line = "JobId=5 JobName=x UserId=a(1) JobState=CANCELLED Reason=None NodeList=(null) " +
    "StartTime=2026-01-01T00:00:00 SubmitTime=2026-01-01T00:00:00";
  assert.equal(parseScontrolJob(line)?.startTime, undefined);
});

Deno.test("parseSqueueJson rejects output without a jobs array", () => {
  assert.throws(() => parseSqueueJson("{}"), SyntaxError);
  assert.throws(() => parseSqueueJson("not json"), SyntaxError);
});

Deno.test("parseScontrolJob reads finished, running, foreign and array jobs", () => {
  const jobs = scontrol.trim().split("\n").map((l) => parseScontrolJob(l)!);
  assert.deepEqual(jobs.map((j) => [j.jobId, j.user, j.uid, j.state, j.comment ?? ""]), [
    ["1", "root", 0, "CANCELLED", "selkies-hpc"],
    ["2", "root", 0, "RUNNING", ""],
    ["3", "nobody", 65534, "RUNNING", "selkies-hpc"],
    ["4_1", "root", 0, "RUNNING", "selkies-hpc"],
    ["4_2", "root", 0, "PENDING", "selkies-hpc"],
  ]);
  assert.equal(jobs[0].endTime, new Date("2026-11-25T13:35:49").toISOString());
  assert.equal(jobs[4].endTime, undefined, "a pending job has no end yet");
  assert.equal(jobs[0].timeLimitSeconds, 1800);
  assert.equal(jobs[0].node, "node1");
  assert.match(jobs[0].startTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  assert.equal(jobs[4].reason, "Resources");
  assert.equal(jobs[4].startTime, undefined);
  assert.ok(jobs[1].timeLeftSeconds! > 0 && jobs[1].timeLeftSeconds! <= 480 * 60);
  assert.equal(parseScontrolJob("No jobs in the system"), undefined);
});

Deno.test("slurmDuration reads every SLURM duration form", () => {
  assert.equal(slurmDuration("30"), 1800);
  assert.equal(slurmDuration("05:30"), 330);
  assert.equal(slurmDuration("08:00:00"), 28800);
  assert.equal(slurmDuration("1-02"), 93600);
  assert.equal(slurmDuration("1-02:30"), 95400);
  assert.equal(slurmDuration("1-00:00:10"), 86410);
  assert.equal(slurmDuration("UNLIMITED"), undefined);
  assert.equal(slurmDuration(undefined), undefined);
});

Deno.test("jobHasEnded: terminal states only", () => {
  for (const state of ["COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY"]) {
    assert.ok(jobHasEnded({ state }), state);
  }
  for (const state of ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED"]) {
    assert.ok(!jobHasEnded({ state }), state);
  }
});
