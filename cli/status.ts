/**
 * `selkies-hpc status <job>`: one job's state, node, time left, and its URL once ready.
 *
 * @module
 */
import { object } from "@optique/core/constructs";
import { message } from "@optique/core/message";
import { command, constant } from "@optique/core/primitives";
import type { InferValue } from "@optique/core/parser";
import { jobIdArgument } from "./_job_id.ts";
import { SelkiesError } from "../errors.ts";
import { duration, jsonFlag, out, outJson } from "./_output.ts";
import { readRecord, type SessionRecord } from "../jobs/record.ts";
import { getJob, jobHasEnded } from "../jobs/scheduler/mod.ts";
import { readSessionLink } from "../jobs/session_link.ts";
import { readReady } from "./_ready.ts";

/** The `status` command's parser. */
export const statusCommand = command(
  "status",
  object({
    cmd: constant("status" as const),
    json: jsonFlag(),
    job: jobIdArgument(),
  }),
  { brief: message`show one session's state` },
);

/** Parsed `status` arguments. */
export type StatusArgs = InferValue<typeof statusCommand>;

/**
 * Runs `status`. Returns the exit code (1 when there is no such job). A job SLURM no longer knows
 * but whose record is still kept (jobs/prune_records.ts) is reported as ended from the record.
 *
 * @example
 * ```ts
 * import { runStatus } from "./status.ts";
 * await runStatus({ cmd: "status", json: false, job: "42" });
 * ```
 */
export async function runStatus(args: StatusArgs): Promise<number> {
  const job = await getJob(args.job);
  const record = await readRecord(args.job);
  if (!job) {
    if (!record) throw new SelkiesError(`no job ${args.job} (see \`selkies-hpc list\`)`, 1);
    return reportEnded(record, args.json);
  }
  const live = record && !jobHasEnded(job)
    ? (await readReady(`${record.dir}/ready.json`))?.url ?? await readSessionLink(record)
    : undefined;
  const url = live ?? record?.url;
  if (args.json) {
    outJson({ ...job, url, sessionDir: record?.dir });
    return 0;
  }
  const rows: [string, string | undefined][] = [
    ["job", job.jobId],
    ["name", job.name],
    ["user", job.user],
    ["state", job.state + (job.reason && job.reason !== "None" ? ` (${job.reason})` : "")],
    ["node", job.node],
    ["partition", job.partition],
    ["time limit", duration(job.timeLimitSeconds)],
    ["time left", duration(job.timeLeftSeconds)],
    ["submitted", job.submitTime],
    ["started", job.startTime],
    ["session", record?.dir],
    ["url", url],
  ];
  for (const [k, v] of rows) if (v !== undefined) out(`${k.padEnd(11)} ${v}`);
  return 0;
}

/** What the record of a job SLURM no longer knows tells (the record is kept a while after the end). */
function reportEnded(record: SessionRecord, json: boolean): number {
  const state = record.endState ?? "ENDED";
  if (json) {
    outJson({
      jobId: record.jobId,
      state,
      knownToSlurm: false,
      node: record.node,
      submitTime: record.createdAt,
      endedBy: record.endedAt,
      sessionDir: record.dir,
    });
    return 0;
  }
  out(`job ${record.jobId} has ended (not known to SLURM any more)`);
  const rows: [string, string | undefined][] = [
    ["state", state],
    ["node", record.node],
    ["submitted", record.createdAt],
    ["ended by", record.endedAt],
    ["session", record.dir],
  ];
  for (const [k, v] of rows) if (v !== undefined) out(`${k.padEnd(11)} ${v}`);
  return 0;
}
