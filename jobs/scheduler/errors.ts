/**
 * Errors of the scheduler layer: SLURM refused or failed a request, or a job id is malformed.
 *
 * @module
 */
import { SelkiesError } from "../../errors.ts";

/**
 * SLURM refused or failed a request (sbatch rejected the job, the controller is unreachable, the job
 * ended before it ran). Exit code 2; `stderr` keeps SLURM's own words.
 *
 * @example
 * ```ts
 * import { SchedulerError } from "./errors.ts";
 * const e = new SchedulerError("partition \"gpu\" does not exist", "sbatch: error: invalid partition");
 * e.exitCode; // 2
 * ```
 */
export class SchedulerError extends SelkiesError {
  /** What the SLURM command wrote to stderr ("" when the error is ours). */
  readonly stderr: string;
  constructor(message: string, stderr = "", options?: ErrorOptions) {
    super(message, 2, options);
    this.stderr = stderr;
  }
}

/**
 * A job id given by the user is not a SLURM job id (digits, optionally `_<task>` or `+<component>`). Exit code 1.
 *
 * @example
 * ```ts
 * import { JobIdError } from "./errors.ts";
 * new JobIdError("12;rm").message; // 'job id "12;rm" is not a SLURM job id (e.g. 1234, 1234_5 or 1234+1)'
 * ```
 */
export class JobIdError extends SelkiesError {
  constructor(jobId: string) {
    super(`job id ${JSON.stringify(jobId)} is not a SLURM job id (e.g. 1234, 1234_5 or 1234+1)`, 1);
  }
}
