/**
 * What a SLURM job id looks like, in one place: the CLI's JOBID arguments, the gateway's lookups and
 * every scheduler function check ids against it before they reach any command line.
 *
 * @module
 */
import { JobIdError } from "./errors.ts";

/**
 * A SLURM job id: digits, optionally an array task (`12_3`) or a het-job component (`12+1`).
 *
 * @example
 * ```ts
 * import { JOB_ID } from "./_job_id.ts";
 * JOB_ID.test("1234_5"); // true
 * JOB_ID.test("abc"); // false
 * ```
 */
export const JOB_ID: RegExp = /^\d{1,12}([_+]\d{1,9})?$/;

/**
 * Throws {@linkcode JobIdError} unless `jobId` is digits, optionally `_<task>` or `+<component>`.
 *
 * @example
 * ```ts
 * import { checkJobId } from "./_job_id.ts";
 * checkJobId("123"); // ok
 * ```
 */
export function checkJobId(jobId: string): void {
  if (typeof jobId !== "string" || !JOB_ID.test(jobId)) throw new JobIdError(String(jobId));
}
