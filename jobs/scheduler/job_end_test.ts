import assert from "node:assert/strict";
import { endOfJob, endOfVanishedStreamer, endOnSignal, jobEndsAt } from "./job_end.ts";
import { parseScontrolJob } from "./job_info.ts";

// Lines captured on the test cluster (SLURM 22.05) while the job's processes got SIGTERM: a cancel and a time
// limit both say COMPLETING, EndTime already moved to the kill; only Reason tells them apart.
const CANCELLING =
  "JobId=1 JobName=cancel.sh UserId=root(0) JobState=COMPLETING Reason=None RunTime=00:00:03 " +
  "TimeLimit=00:05:00 StartTime=2026-11-30T04:04:20 EndTime=2026-11-30T04:04:23 NodeList=node1";
const TIMING_OUT = "JobId=2 JobName=timeout.sh UserId=root(0) JobState=COMPLETING Reason=TimeLimit " +
  "RunTime=00:01:27 TimeLimit=00:01:00 StartTime=2026-11-30T04:04:20 EndTime=2026-11-30T04:05:47 NodeList=node1";
const RUNNING = "JobId=2 JobName=timeout.sh UserId=root(0) JobState=RUNNING Reason=None RunTime=00:00:03 " +
  "TimeLimit=00:01:00 StartTime=2026-11-30T04:04:20 EndTime=2026-11-30T04:05:20 NodeList=node1";

Deno.test("jobEndsAt reads the end time of a running job with a limit, as an instant", () => {
  const job = parseScontrolJob(RUNNING)!;
  assert.equal(jobEndsAt(job), new Date("2026-11-30T04:05:20").getTime());
  assert.equal(jobEndsAt(job)! - Date.parse(job.startTime!), 60_000);
  // No limit, not started, or an end SLURM does not know: no countdown.
  assert.equal(jobEndsAt({ ...job, timeLimitSeconds: undefined }), undefined);
  assert.equal(jobEndsAt({ state: "PENDING", timeLimitSeconds: 60, endTime: job.endTime }), undefined);
  assert.equal(jobEndsAt(parseScontrolJob(RUNNING.replace(/EndTime=\S+/, "EndTime=Unknown"))!), undefined);
  assert.equal(
    jobEndsAt(parseScontrolJob(RUNNING.replace(/TimeLimit=\S+/, "TimeLimit=UNLIMITED"))!),
    undefined,
  );
});

Deno.test("on SIGTERM: Reason=TimeLimit is the walltime, COMPLETING without it a cancel", () => {
  const before = new Date("2026-11-30T04:05:20").getTime(); // what the clock knew before the update below
  const timeout = endOnSignal(parseScontrolJob(TIMING_OUT), before, Date.parse("2026-11-30T04:05:47"));
  assert.equal(timeout.reason, "walltime");
  assert.match(timeout.message, /Job 2 reached its time limit of 00:01:00/);
  // The cancel's EndTime is the kill itself: the end time known before (04:09:20) decides, not SLURM's now.
  const cancel = endOnSignal(
    parseScontrolJob(CANCELLING),
    before + 240_000,
    Date.parse("2026-11-30T04:04:23"),
  );
  assert.equal(cancel.reason, "cancelled");
  assert.match(cancel.message, /Job 1 was cancelled/);
});

Deno.test("on SIGTERM without an answer from SLURM, the known end time decides", () => {
  const now = 1_000_000_000;
  assert.equal(endOnSignal(undefined, now - 20_000, now, "5").reason, "walltime"); // the 30 s check came late
  assert.equal(endOnSignal(undefined, now + 2000, now, "5").reason, "walltime"); // within the slack
  assert.equal(endOnSignal(undefined, now + 60_000, now, "5").reason, "cancelled");
  assert.equal(endOnSignal(undefined, undefined, now, "5").reason, "cancelled"); // no limit: not the walltime
  assert.match(endOnSignal(undefined, undefined, now, "5").message, /Job 5 was cancelled/);
  // SLURM's own word outranks the clock.
  assert.equal(endOnSignal({ jobId: "5", state: "CANCELLED" }, now - 60_000, now).reason, "cancelled");
  assert.equal(endOnSignal({ jobId: "5", state: "NODE_FAIL" }, now + 60_000, now).reason, "node-failure");
});

Deno.test("every ended state names its reason; running and completing ones none", () => {
  const reasons = Object.fromEntries(
    [
      "TIMEOUT",
      "DEADLINE",
      "CANCELLED",
      "PREEMPTED",
      "NODE_FAIL",
      "BOOT_FAIL",
      "OUT_OF_MEMORY",
      "FAILED",
      "COMPLETED",
    ]
      .map((state) => [state, endOfJob({ jobId: "9", state })?.reason]),
  );
  assert.deepEqual(reasons, {
    TIMEOUT: "walltime",
    DEADLINE: "walltime",
    CANCELLED: "cancelled",
    PREEMPTED: "cancelled",
    NODE_FAIL: "node-failure",
    BOOT_FAIL: "node-failure",
    OUT_OF_MEMORY: "failed",
    FAILED: "failed",
    COMPLETED: "stopped",
  });
  for (const state of ["RUNNING", "PENDING", "COMPLETING", "SUSPENDED", "UNKNOWN"]) {
    assert.equal(endOfJob({ jobId: "9", state }), undefined, state);
  }
});

Deno.test("a streamer gone while its job still runs is a node failure, with what to do", () => {
  const gone = endOfVanishedStreamer({ jobId: "12", state: "RUNNING", node: "gpu01" });
  assert.equal(gone.reason, "node-failure");
  assert.match(gone.message, /on gpu01 stopped answering while job 12 is still running/);
  assert.match(gone.message, /selkies-hpc cancel 12/);
  assert.equal(endOfVanishedStreamer({ jobId: "12", state: "TIMEOUT" }).reason, "walltime");
  assert.equal(endOfVanishedStreamer({ jobId: "12", state: "FAILED" }).reason, "failed");
  const forgotten = endOfVanishedStreamer(undefined, "12");
  assert.equal(forgotten.reason, "stopped");
  assert.match(forgotten.message, /Job 12 has ended/);
});
