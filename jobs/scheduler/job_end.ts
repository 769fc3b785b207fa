/**
 * When a job ends and why it ended, in the words the session's end screen uses: one rule for the streamer
 * (asked on SIGTERM: walltime or cancelled?) and the gateway (asked when a streamer's tunnel vanished without
 * saying goodbye: timed out, cancelled, node failure...).
 *
 * SLURM 22.05, measured on the test cluster: while a job's processes get SIGTERM, `scontrol show job` says
 * `JobState=COMPLETING` for both a cancel and a time limit; only `Reason=TimeLimit` tells the time limit apart,
 * and `EndTime` has already moved to the moment of the kill (so a cancel cannot be told from the end time
 * SLURM reports then: compare with the end time known before the signal).
 *
 * @module
 */
import type { EndReason, SessionEndMessage } from "../../protocol/job.ts";
import { formatSlurmTime } from "../_time.ts";
import type { JobInfo } from "./job_info.ts";

/** What the end rules read of a job (a {@linkcode JobInfo} has it all). */
export type JobEndFacts =
  & Pick<JobInfo, "jobId" | "state">
  & Partial<Pick<JobInfo, "reason" | "node" | "timeLimitSeconds">>;

/**
 * A SIGTERM this close to (or after) the end time known beforehand is the time limit: SLURM's limit check runs
 * every 30 s, so its kill comes after the end time, never long before it.
 */
const WALLTIME_SLACK_MS = 5000;

/**
 * The job's end as an instant (ms since the epoch), from its `EndTime`; undefined when it has no time limit
 * or has not started (SLURM's EndTime is then a guess or `Unknown`).
 *
 * @example
 * ```ts
 * import { jobEndsAt } from "./job_end.ts";
 * jobEndsAt({ state: "RUNNING", timeLimitSeconds: 3600, endTime: "2026-01-01T12:00:00.000Z" }); // 1767268800000
 * jobEndsAt({ state: "PENDING", timeLimitSeconds: 3600 }); // undefined
 * ```
 */
export function jobEndsAt(job: Pick<JobInfo, "state" | "timeLimitSeconds" | "endTime">): number | undefined {
  if (job.state === "PENDING" || job.timeLimitSeconds === undefined || !job.endTime) return undefined;
  const at = Date.parse(job.endTime);
  return Number.isNaN(at) ? undefined : at;
}

/**
 * Why a job ended, from the state SLURM reports once it has (or is being) ended; undefined while it still
 * runs (or SLURM's state says nothing about why, e.g. `COMPLETING` without a reason).
 *
 * @example
 * ```ts
 * import { endOfJob } from "./job_end.ts";
 * endOfJob({ jobId: "7", state: "TIMEOUT" })?.reason; // "walltime"
 * endOfJob({ jobId: "7", state: "COMPLETING", reason: "TimeLimit" })?.reason; // "walltime"
 * endOfJob({ jobId: "7", state: "RUNNING" }); // undefined
 * ```
 */
export function endOfJob(job: JobEndFacts): SessionEndMessage | undefined {
  const id = job.jobId;
  const limit = job.timeLimitSeconds === undefined ? "" : ` of ${formatSlurmTime(job.timeLimitSeconds)}`;
  if (job.state === "TIMEOUT" || job.reason === "TimeLimit") {
    return end("walltime", `Job ${id} reached its time limit${limit}. Start a new session to go on working.`);
  }
  switch (job.state) {
    case "DEADLINE":
      return end("walltime", `Job ${id} reached its deadline. Start a new session to go on working.`);
    case "CANCELLED":
      return end("cancelled", `Job ${id} was cancelled (scancel, the portal or \`selkies-hpc cancel\`).`);
    case "PREEMPTED":
      return end("cancelled", `Job ${id} was preempted by a job of higher priority.`);
    case "NODE_FAIL":
    case "BOOT_FAIL":
      return end("node-failure", `The compute node${job.node ? ` ${job.node}` : ""} of job ${id} failed.`);
    case "OUT_OF_MEMORY":
      return end("failed", `Job ${id} ran out of memory. Ask for more (--mem) when you start a session.`);
    case "FAILED":
      return end("failed", `Job ${id} failed: the session stopped unexpectedly. Its job log may say why.`);
    case "COMPLETED":
      return end("stopped", `Job ${id} has finished.`);
  }
  return undefined;
}

/**
 * Why a session whose streamer got SIGTERM ends: SLURM's word when it has one ({@linkcode endOfJob}), else the
 * time limit when the signal came at (or after) the end time known before it, else a cancel.
 *
 * @param job The job as SLURM reports it now; undefined when SLURM could not be asked in time.
 * @param knownEndsAt The end time known before the signal (ms since the epoch).
 * @param now When the signal came. @default {Date.now()}
 * @example
 * ```ts
 * import { endOnSignal } from "./job_end.ts";
 * endOnSignal({ jobId: "7", state: "COMPLETING" }, Date.now() + 3_600_000).reason; // "cancelled"
 * endOnSignal(undefined, Date.now() - 10_000, Date.now(), "7").reason; // "walltime"
 * ```
 */
export function endOnSignal(
  job: JobEndFacts | undefined,
  knownEndsAt: number | undefined,
  now: number = Date.now(),
  jobId: string = job?.jobId ?? "?",
): SessionEndMessage {
  const said = job && endOfJob(job);
  if (said) return said;
  if (knownEndsAt !== undefined && now >= knownEndsAt - WALLTIME_SLACK_MS) {
    return endOfJob({ ...job, jobId, state: "TIMEOUT" })!;
  }
  return endOfJob({ jobId, state: "CANCELLED" })!;
}

/**
 * Why a session ends whose streamer vanished (its tunnel closed without an end message), once the gateway has
 * waited for it to come back: SLURM's word when the job has ended, a node failure when the job still runs
 * without its streamer, an end when SLURM no longer knows the job.
 *
 * @example
 * ```ts
 * import { endOfVanishedStreamer } from "./job_end.ts";
 * endOfVanishedStreamer({ jobId: "7", state: "RUNNING", node: "gpu01" }).reason; // "node-failure"
 * endOfVanishedStreamer({ jobId: "7", state: "CANCELLED" }).reason; // "cancelled"
 * endOfVanishedStreamer(undefined, "7").reason; // "stopped"
 * ```
 */
export function endOfVanishedStreamer(
  job: JobEndFacts | undefined,
  jobId = job?.jobId ?? "?",
): SessionEndMessage {
  if (!job) return end("stopped", `Job ${jobId} has ended (SLURM no longer knows it).`);
  return endOfJob(job) ?? end(
    "node-failure",
    `The desktop${job.node ? ` on ${job.node}` : ""} stopped answering while job ${jobId} is still ` +
      `${job.state.toLowerCase()}: the node or the session failed. Cancel the job (\`selkies-hpc cancel ` +
      `${jobId}\` or the portal) and start a new session.`,
  );
}

function end(reason: EndReason, message: string): SessionEndMessage {
  return { t: "end", reason, message };
}
