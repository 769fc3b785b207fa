/**
 * Validation of job ids before they reach any command line.
 *
 * @module
 */
import { JobIdError } from "./errors.ts";

// Plain ids, array tasks (12_3) and het-job components (12+1).
const JOB_ID = /^\d{1,12}([_+]\d{1,9})?$/;

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
