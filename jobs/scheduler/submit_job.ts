/**
 * Submits a batch script to SLURM.
 *
 * @module
 */
import { runSlurm } from "./_command.ts";
import { slurmFailure } from "./_messages.ts";
import { SchedulerError } from "./errors.ts";

/**
 * Options for {@linkcode submitJob}.
 *
 * @example
 * ```ts
 * import type { SubmitJobOptions } from "./submit_job.ts";
 * const options: SubmitJobOptions = { signal: AbortSignal.timeout(30_000) };
 * ```
 */
export interface SubmitJobOptions {
  /** Aborts the submission (sbatch is killed; the job may still have been queued). */
  signal?: AbortSignal;
  /** Variables added to sbatch's environment (e.g. `SLURM_CONF`). */
  env?: Record<string, string>;
}

/**
 * Runs `sbatch --parsable` with the script on stdin (never in argv) and returns the new job's id.
 * Throws {@linkcode SchedulerError} with an actionable message when SLURM rejects the job.
 *
 * @example
 * ```ts
 * import { submitJob } from "./submit_job.ts";
 * const { jobId } = await submitJob("#!/bin/sh\n#SBATCH --comment=selkies-hpc\nsleep 60\n");
 * ```
 */
export async function submitJob(script: string, options: SubmitJobOptions = {}): Promise<{ jobId: string }> {
  const out = await runSlurm("sbatch", ["--parsable"], { ...options, stdin: script });
  if (out.code !== 0) throw slurmFailure("sbatch", out.stderr);
  // --parsable prints "<id>" or "<id>;<cluster>".
  const jobId = out.stdout.trim().split(";")[0];
  if (!/^\d+$/.test(jobId)) {
    throw new SchedulerError(
      `sbatch printed no job id (got ${JSON.stringify(out.stdout.trim())})`,
      out.stderr,
    );
  }
  return { jobId };
}
