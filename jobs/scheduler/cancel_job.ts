/**
 * Cancels one of the user's jobs.
 *
 * @module
 */
import { runSlurm } from "./_command.ts";
import { checkJobId } from "./_job_id.ts";
import { slurmFailure } from "./_messages.ts";
import { currentUser, type QueryOptions } from "./_squeue.ts";
import { SchedulerError } from "./errors.ts";
import { getJob } from "./get_job.ts";
import { jobHasEnded } from "./job_info.ts";

/**
 * Options for {@linkcode cancelJob}.
 *
 * @example
 * ```ts
 * import type { CancelJobOptions } from "./cancel_job.ts";
 * const options: CancelJobOptions = { env: { SLURM_CONF: "/etc/slurm/slurm.conf" } };
 * ```
 */
export type CancelJobOptions = QueryOptions;

/**
 * Runs `scancel` on a job of the current user; throws {@linkcode SchedulerError} when SLURM does not
 * know the job, it belongs to someone else, or it has already ended.
 *
 * @example
 * ```ts
 * import { cancelJob } from "./cancel_job.ts";
 * await cancelJob("1234");
 * ```
 */
export async function cancelJob(jobId: string, options: CancelJobOptions = {}): Promise<void> {
  checkJobId(jobId);
  const info = await getJob(jobId, options);
  if (!info) {
    throw new SchedulerError(`job ${jobId} is not known to SLURM: check the id with \`selkies-hpc list\``);
  }
  const me = currentUser();
  if (info.user !== me) {
    throw new SchedulerError(`job ${jobId} belongs to user ${info.user}, not to you (${me}): not cancelled`);
  }
  if (jobHasEnded(info)) {
    throw new SchedulerError(`job ${jobId} has already ended (${info.state}): nothing to cancel`);
  }
  const out = await runSlurm("scancel", [jobId], options);
  // scancel reports some failures (e.g. permission) on stderr with exit status 0.
  if (out.code !== 0 || /error/i.test(out.stderr)) throw slurmFailure("scancel", out.stderr);
}
