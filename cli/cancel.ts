/**
 * `selkies-hpc cancel <job>`: ends a session (scancel).
 *
 * @module
 */
import { object } from "@optique/core/constructs";
import { message } from "@optique/core/message";
import { command, constant } from "@optique/core/primitives";
import type { InferValue } from "@optique/core/parser";
import { jobIdArgument } from "./_job_id.ts";
import { SelkiesError } from "../errors.ts";
import { note } from "./_output.ts";
import { readRecord } from "../jobs/record.ts";
import { cancelJob, getJob, SchedulerError } from "../jobs/scheduler/mod.ts";

/** The `cancel` command's parser. */
export const cancelCommand = command(
  "cancel",
  object({
    cmd: constant("cancel" as const),
    job: jobIdArgument(),
  }),
  { brief: message`end a session` },
);

/** Parsed `cancel` arguments. */
export type CancelArgs = InferValue<typeof cancelCommand>;

/**
 * Runs `cancel`. Returns the exit code (1 when there is no such job; an ended one throws the
 * scheduler's exit-2 error, also when only its record still knows it).
 *
 * @example
 * ```ts
 * import { runCancel } from "./cancel.ts";
 * await runCancel({ cmd: "cancel", job: "42" });
 * ```
 */
export async function runCancel(args: CancelArgs): Promise<number> {
  if (!(await getJob(args.job))) {
    if (await readRecord(args.job)) {
      throw new SchedulerError(`job ${args.job} has ended (not known to SLURM any more): nothing to cancel`);
    }
    throw new SelkiesError(`no job ${args.job} (see \`selkies-hpc list\`)`, 1);
  }
  await cancelJob(args.job);
  note(`cancelled ${args.job}`);
  return 0;
}
