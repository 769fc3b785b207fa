/**
 * `selkies-hpc list`: the user's selkies-hpc jobs (found by their `--comment=selkies-hpc`); listing
 * one's own also removes the records of jobs ended more than a day ago.
 *
 * @module
 */
import { object } from "@optique/core/constructs";
import { message } from "@optique/core/message";
import { optional } from "@optique/core/modifiers";
import { command, constant, option } from "@optique/core/primitives";
import type { InferValue } from "@optique/core/parser";
import { string } from "@optique/core/valueparser";
import { duration, jsonFlag, out, outJson, table } from "./_output.ts";
import { pruneRecords } from "../jobs/prune_records.ts";
import { listSessions } from "../jobs/scheduler/mod.ts";

/** The `list` command's parser. */
export const listCommand = command(
  "list",
  object({
    cmd: constant("list" as const),
    json: jsonFlag(),
    user: optional(option("--user", string({ metavar: "USER" }), {
      description: message`list this user's sessions (default: you)`,
    })),
  }),
  { brief: message`list your sessions`, aliases: ["ls"] },
);

/** Parsed `list` arguments. */
export type ListArgs = InferValue<typeof listCommand>;

/**
 * Runs `list`. Returns the exit code.
 *
 * @example
 * ```ts
 * import { runList } from "./list.ts";
 * await runList({ cmd: "list", json: true, user: undefined });
 * ```
 */
export async function runList(args: ListArgs): Promise<number> {
  const jobs = await listSessions({ user: args.user });
  // Listing one's own sessions is also when records of long-ended jobs go (jobs/prune_records.ts).
  if (args.user === undefined) await pruneRecords({ jobs });
  if (args.json) {
    outJson(jobs);
    return 0;
  }
  if (jobs.length === 0) {
    out("no sessions (start one with `selkies-hpc submit`)");
    return 0;
  }
  out(table(
    ["JOBID", "NAME", "STATE", "NODE/REASON", "PARTITION", "TIME LEFT"],
    jobs.map((j) => [
      j.jobId,
      j.name,
      j.state,
      j.node ?? (j.reason ? `(${j.reason})` : "-"),
      j.partition ?? "-",
      duration(j.timeLeftSeconds),
    ]),
  ));
  return 0;
}
