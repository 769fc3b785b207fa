import assert from "node:assert/strict";
import type { JobStatusMessage } from "../../protocol/job.ts";
import type { JobInfo } from "../../jobs/scheduler/mod.ts";
import { JobClock, type JobClockOptions } from "./job_clock.ts";

const START = Date.parse("2026-11-30T04:04:20Z");

/** A job as scontrol reports it, `limit` seconds from START. */
function job(limit: number, fields: Partial<JobInfo> = {}): JobInfo {
  return {
    jobId: "42",
    name: "selkies",
    user: "ada",
    state: "RUNNING",
    node: "gpu01",
    timeLimitSeconds: limit,
    startTime: new Date(START).toISOString(),
    endTime: new Date(START + limit * 1000).toISOString(),
    ...fields,
  };
}

/** A clock whose SLURM answers with `answers()`; it never refreshes by itself within a test. */
function clockOf(
  answers: () => JobInfo | undefined | Promise<JobInfo | undefined>,
  more: Partial<JobClockOptions> = {},
) {
  const changes: JobStatusMessage[] = [];
  let asked = 0;
  const clock = new JobClock({
    jobId: "42",
    node: "gpu01",
    warnMinutes: [5, 15, 5, 0],
    onChange: (status) => changes.push(status),
    lookup: () => {
      asked++;
      return Promise.resolve(answers());
    },
    refreshMs: 3_600_000,
    now: () => START + 10_000,
    ...more,
  });
  return { clock, changes, asked: () => asked };
}

Deno.test("the clock tells its end time once SLURM answers, and again only when it changes", async () => {
  let limit = 7200;
  const { clock, changes } = clockOf(() => job(limit));
  try {
    await clock.refresh();
    assert.deepEqual(changes, [{
      t: "job",
      id: "42",
      node: "gpu01",
      endsAt: START + 7_200_000,
      warnMinutes: [15, 5], // deduplicated, positive, largest first
      sentAt: START + 10_000,
    }]);
    await clock.refresh();
    assert.equal(changes.length, 1, "an unchanged end time is not news");
    limit = 3600; // scontrol update JobId=42 TimeLimit=1:00:00
    await clock.refresh();
    assert.equal(changes.length, 2);
    assert.equal(changes[1].endsAt, START + 3_600_000);
    assert.equal(clock.status().endsAt, START + 3_600_000, "a new viewer gets the new end");
  } finally {
    clock.close();
  }
});

Deno.test("a failed question keeps the last end time; questions do not pile up", async () => {
  let fail = false;
  const { clock, changes, asked } = clockOf(() => {
    if (fail) throw new Error("slurm_load_jobs error: Socket timed out");
    return job(600);
  });
  try {
    await clock.refresh();
    fail = true;
    await clock.refresh();
    assert.equal(clock.endsAt, START + 600_000);
    assert.equal(changes.length, 1);
    const before = asked();
    await Promise.all([clock.refresh(), clock.refresh(), clock.refresh()]);
    assert.equal(asked() - before, 1, "one question at a time");
  } finally {
    clock.close();
  }
});

Deno.test("a session outside SLURM has no end time and asks nobody", async () => {
  const { clock, asked } = clockOf(() => job(60), { jobId: undefined });
  await clock.refresh();
  assert.equal(asked(), 0);
  assert.deepEqual(clock.status(), { t: "job", node: "gpu01", warnMinutes: [15, 5], sentAt: START + 10_000 });
  assert.equal((await clock.endMessage({ signal: "SIGINT" })).reason, "stopped");
  const died = await clock.endMessage({ died: "the X server exited" });
  assert.equal(died.reason, "failed");
  assert.match(died.message, /the X server exited/);
  clock.close();
});

Deno.test("on SIGTERM the clock asks SLURM: Reason=TimeLimit is the walltime, else a cancel", async () => {
  let answer: JobInfo | undefined = job(7200);
  const { clock } = clockOf(() => answer);
  try {
    await clock.refresh();
    answer = job(7200, { state: "COMPLETING", reason: "TimeLimit" });
    assert.equal((await clock.endMessage({ signal: "SIGTERM" })).reason, "walltime");
    answer = job(7200, { state: "COMPLETING" });
    const cancelled = await clock.endMessage({ signal: "SIGTERM" });
    assert.equal(cancelled.reason, "cancelled");
    assert.match(cancelled.message, /Job 42 was cancelled/);
  } finally {
    clock.close();
  }
});

Deno.test("when SLURM does not answer in time, the end time known before the signal decides", async () => {
  const hang = () => new Promise<JobInfo>(() => {}); // ignores its signal
  let answer: () => JobInfo | Promise<JobInfo> = () => job(5);
  const { clock } = clockOf(() => answer(), { askTimeoutMs: 50, endAskTimeoutMs: 50 });
  try {
    await clock.refresh(); // ends START + 5 s, "now" is START + 10 s: past the end
    answer = hang;
    assert.equal((await clock.endMessage({ signal: "SIGTERM" })).reason, "walltime");
  } finally {
    clock.close();
  }
  // A clock that never learned an end time (SLURM never answered) takes the signal for a cancel.
  const { clock: blind } = clockOf(hang, { askTimeoutMs: 50, endAskTimeoutMs: 50 });
  try {
    assert.equal((await blind.endMessage({ signal: "SIGTERM" })).reason, "cancelled");
  } finally {
    blind.close();
  }
});

Deno.test("a death while SLURM ends the job is SLURM's reason; otherwise a failure", async () => {
  let answer = job(7200, { state: "COMPLETING", reason: "TimeLimit" });
  const { clock } = clockOf(() => answer);
  try {
    assert.equal((await clock.endMessage({ died: "the X server exited" })).reason, "walltime");
    answer = job(7200, { state: "NODE_FAIL" });
    assert.equal((await clock.endMessage({ died: "the X server exited" })).reason, "node-failure");
    answer = job(7200);
    const failed = await clock.endMessage({ died: "the X server exited" });
    assert.equal(failed.reason, "failed");
    assert.match(failed.message, /job 42 failed: the X server exited/);
  } finally {
    clock.close();
  }
});
