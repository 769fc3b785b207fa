/**
 * `selkies-hpc submit`: renders the session job, submits it, and follows it to a browser URL:
 * submitted -> queued (reason) -> starting on <node> -> ready <url>.
 *
 * @module
 */
import { merge, object } from "@optique/core/constructs";
import { message } from "@optique/core/message";
import { withDefault } from "@optique/core/modifiers";
import { command, constant, flag, option } from "@optique/core/primitives";
import type { InferValue } from "@optique/core/parser";
import { integer } from "@optique/core/valueparser";
import type { JobSpec } from "../jobs/spec.ts";
import { renderSbatch } from "../jobs/render.ts";
import { jobOptions } from "./render.ts";
import { jsonFlag, note, out, outJson } from "./_output.ts";
import { waitForReady } from "./_ready.ts";
import { writeRecord } from "../jobs/record.ts";
import { submitSession } from "../jobs/submit_session.ts";
import { getJob, type JobInfo, waitForRunning } from "../jobs/scheduler/mod.ts";
import { specFromArgs } from "./_spec_options.ts";

/** The `submit` command's parser. */
export const submitCommand = command(
  "submit",
  merge(
    object({
      cmd: constant("submit" as const),
      json: jsonFlag(),
      dryRun: withDefault(
        flag("--dry-run", { description: message`print the script instead of submitting` }),
        false,
      ),
      noWait: withDefault(flag("--no-wait", { description: message`return once submitted` }), false),
      timeout: withDefault(
        option("--timeout", integer({ min: 1, metavar: "SECONDS" }), {
          description: message`how long to wait for the session URL once the job runs (default 180)`,
        }),
        180,
      ),
    }),
    jobOptions(),
  ),
  { brief: message`submit a desktop session to SLURM and print its URL` },
);

/** Parsed `submit` arguments. */
export type SubmitArgs = InferValue<typeof submitCommand>;

/** Options for {@linkcode submitAndFollow}. */
export interface SubmitAndFollowOptions {
  /** Return right after sbatch accepted the job. @default {false} */
  noWait?: boolean;
  /** Seconds to wait for `ready.json` once the job runs. @default {180} */
  timeoutSeconds?: number;
  /** Stops waiting (the job keeps running). */
  signal?: AbortSignal;
}

/** What {@linkcode submitAndFollow} found out. */
export interface SubmitResult {
  /** SLURM job id. */
  jobId: string;
  /** The session folder (token, job.sh, job.log, ready.json). */
  sessionDir: string;
  /** Node the job runs on, once running. */
  node?: string;
  /** The owner's link (with its secret), once the session is ready. */
  url?: string;
}

/**
 * Submits a job spec (jobs/submit_session.ts) and follows it until the streamer reports its URL
 * (unless `noWait`), printing progress on stderr.
 *
 * @example
 * ```ts
 * import { submitAndFollow } from "./submit.ts";
 * import { resolveSpec } from "../jobs/mod.ts";
 * const { spec } = await resolveSpec({ flags: { partition: "gpu", gpus: "1" } });
 * const { url } = await submitAndFollow(spec, { timeoutSeconds: 120 });
 * ```
 */
export async function submitAndFollow(
  spec: JobSpec,
  options: SubmitAndFollowOptions = {},
): Promise<SubmitResult> {
  const record = await submitSession(spec, { signal: options.signal });
  const { jobId, dir } = record;
  const result: SubmitResult = { jobId, sessionDir: dir };
  note(`submitted ${jobId}`);
  if (options.noWait) return result;
  const hint = `the job keeps its place; follow it with \`selkies-hpc status ${jobId}\`, ` +
    `stop it with \`selkies-hpc cancel ${jobId}\``;
  try {
    let last = "";
    const info = await waitForRunning(jobId, {
      signal: options.signal,
      onProgress: (phase, job) => {
        const line = progressLine(phase, job);
        if (line !== last) note(line);
        last = line;
      },
    });
    result.node = info.node;
    if (spec.command !== undefined) return result;
    const ready = await waitForReady(`${dir}/ready.json`, {
      timeoutMs: (options.timeoutSeconds ?? 180) * 1000,
      signal: options.signal,
      check: async () => {
        const job = await getJob(jobId);
        if (job && !/^(RUNNING|COMPLETING|CONFIGURING)$/.test(job.state)) {
          return `job ${jobId} is ${job.state} before the session was ready; see ${dir}/job.log`;
        }
      },
    });
    result.url = ready.url;
    await writeRecord({ ...record, node: info.node, url: ready.url }); // stored without its secret
    note(`ready ${ready.url}`);
    return result;
  } catch (e) {
    if (options.signal?.aborted) note(`stopped waiting: ${hint}`);
    else note(`${hint}; its log is ${dir}/job.log`);
    throw e;
  }
}

function progressLine(phase: string, job: JobInfo): string {
  if (phase === "queued") return `queued${job.reason ? ` (${job.reason})` : ""}`;
  if (phase === "starting") return `starting${job.node ? ` on ${job.node}` : ""}`;
  return `running${job.node ? ` on ${job.node}` : ""}`;
}

/**
 * Runs `submit`. Returns the exit code.
 *
 * @example
 * ```ts
 * import { runSubmit, type SubmitArgs } from "./submit.ts";
 * declare const args: SubmitArgs; // parsed by cli/program.ts
 * await runSubmit(args);
 * ```
 */
export async function runSubmit(args: SubmitArgs, signal?: AbortSignal): Promise<number> {
  const { spec } = await specFromArgs(args, { command: args.command });
  if (args.dryRun) {
    Deno.stdout.writeSync(new TextEncoder().encode(renderSbatch(spec)));
    return 0;
  }
  const result = await submitAndFollow(spec, { noWait: args.noWait, timeoutSeconds: args.timeout, signal });
  if (args.json) outJson(result);
  else out(result.url ?? result.jobId);
  return 0;
}
