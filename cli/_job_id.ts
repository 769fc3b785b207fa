/**
 * The `JOBID` argument of `status` and `cancel`: checked against the scheduler's one job-id pattern,
 * and refused with a message that says what a job id looks like.
 *
 * @module
 */
import { message, text } from "@optique/core/message";
import { argument } from "@optique/core/primitives";
import { string } from "@optique/core/valueparser";
import { JOB_ID, JobIdError } from "../jobs/scheduler/mod.ts";

/**
 * A `JOBID` positional argument (`1234`, `1234_5`, `1234+1`).
 *
 * @example
 * ```ts
 * import { jobIdArgument } from "./_job_id.ts";
 * import { parse } from "@optique/core/parser";
 * parse(jobIdArgument(), ["1234"]); // { success: true, value: "1234" }
 * ```
 */
export function jobIdArgument() {
  return argument(string({
    metavar: "JOBID",
    pattern: JOB_ID,
    errors: { patternMismatch: (input: string) => message`${text(new JobIdError(input).message)}` },
  }));
}
