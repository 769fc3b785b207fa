/**
 * Looks up one job by id.
 *
 * @module
 */
import { checkJobId } from "./_job_id.ts";
import { type QueryOptions, squeueAll } from "./_squeue.ts";
import type { JobInfo } from "./job_info.ts";
import { showJob } from "./show_job.ts";

/**
 * Options for {@linkcode getJob}.
 *
 * @example
 * ```ts
 * import type { GetJobOptions } from "./get_job.ts";
 * const options: GetJobOptions = { signal: AbortSignal.timeout(10_000) };
 * ```
 */
export type GetJobOptions = QueryOptions;

/**
 * Returns a job from squeue, or from `scontrol show job` for one that just left squeue; undefined
 * when SLURM no longer knows it.
 *
 * @example
 * ```ts
 * import { getJob } from "./get_job.ts";
 * const job = await getJob("1234");
 * console.log(job?.state ?? "gone");
 * ```
 */
export async function getJob(jobId: string, options: GetJobOptions = {}): Promise<JobInfo | undefined> {
  checkJobId(jobId);
  const found = (await squeueAll(options)).find((j) => j.jobId === jobId);
  if (found) return found;
  return await showJob(jobId, options);
}
