/**
 * What the gateway needs to know about a job, read through the scheduler library (jobs/scheduler:
 * `scontrol show job -o`, which works the same on 22.05 and later) so the gateway has no SLURM
 * parser or job-id rule of its own.
 *
 * @module
 */
import { SelkiesError } from "../../errors.ts";
import { expandNodeList, JOB_ID, jobEndsAt, showJob } from "../../jobs/scheduler/mod.ts";

/** The fields of a job the gateway checks. */
export interface JobFacts {
  /** Job id. */
  jobId: string;
  /** e.g. `RUNNING`, `PENDING`. */
  state: string;
  /** Owner's user name. */
  user: string;
  /** Owner's UID. */
  uid: number;
  /** Expanded node names. */
  nodes: string[];
  /** Scheduled end, ms since the epoch, when SLURM knows it. */
  endTime?: number;
  /** Job name. */
  name: string;
}

/**
 * Raised when SLURM cannot be asked or does not know the job. Exit code 2.
 *
 * @example
 * ```ts
 * import { SlurmQueryError } from "./slurm.ts";
 * throw new SlurmQueryError("SLURM does not know job 42");
 * ```
 */
export class SlurmQueryError extends SelkiesError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 2, options);
  }
}

/**
 * Looks a job up; `env` carries `SLURM_CONF` and `PATH` for the cluster.
 *
 * @example
 * ```ts
 * import { jobFacts } from "./slurm.ts";
 * const job = await jobFacts("42", { SLURM_CONF: "/etc/slurm/slurm.conf" });
 * job.state; // "RUNNING"
 * ```
 */
export async function jobFacts(jobId: string, env?: Record<string, string>): Promise<JobFacts> {
  if (!JOB_ID.test(jobId)) throw new SlurmQueryError(`not a job id: ${jobId}`);
  try {
    const job = await showJob(jobId, { env });
    if (!job || job.uid === undefined) throw new SlurmQueryError(`SLURM does not know job ${jobId}`);
    return {
      jobId,
      state: job.state,
      user: job.user,
      uid: job.uid,
      nodes: job.node ? await expandNodeList(job.node, { env }) : [],
      endTime: jobEndsAt(job), // the time limit's end: none when the job has no limit
      name: job.name,
    };
  } catch (error) {
    if (error instanceof SlurmQueryError) throw error;
    throw new SlurmQueryError((error as Error).message, { cause: error });
  }
}
