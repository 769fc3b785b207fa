/**
 * The SLURM control library the CLI and the gateway call: submit a batch script, list the user's
 * selkies-hpc jobs, look one up, wait until it runs, cancel it. Every function takes an `env` overlay (tests point
 * `SLURM_CONF` at their own cluster) and never puts scripts or secrets in argv.
 *
 * @example
 * ```ts
 * import { submitJob, waitForRunning } from "./mod.ts";
 * const { jobId } = await submitJob("#!/bin/sh\n#SBATCH --comment=selkies-hpc\nsleep 600\n");
 * const job = await waitForRunning(jobId, { onProgress: (phase, info) => console.error(phase, info.reason) });
 * console.log(job.node);
 * ```
 *
 * @module
 */
export { cancelJob, type CancelJobOptions } from "./cancel_job.ts";
export { checkJobId, JOB_ID } from "./_job_id.ts";
export { JobIdError, SchedulerError } from "./errors.ts";
export { getJob, type GetJobOptions } from "./get_job.ts";
export {
  jobHasEnded,
  type JobInfo,
  parseScontrolJob,
  parseSqueueJson,
  SELKIES_COMMENT,
  slurmDuration,
} from "./job_info.ts";
export { expandNodeList, showJob, type ShowJobOptions } from "./show_job.ts";
export { endOfJob, endOfVanishedStreamer, endOnSignal, type JobEndFacts, jobEndsAt } from "./job_end.ts";
export { listSessions, type ListSessionsOptions } from "./list_sessions.ts";
export { submitJob, type SubmitJobOptions } from "./submit_job.ts";
export { waitForRunning, type WaitForRunningOptions, type WaitPhase } from "./wait_for_running.ts";
