/**
 * What selkies-hpc knows about one SLURM job, parsed from `squeue --json` (22.05 and later) or from
 * `scontrol show job -o` (for jobs that just finished).
 *
 * @module
 */

/**
 * One SLURM job as selkies-hpc shows it. Times are ISO 8601 (UTC).
 *
 * @example
 * ```ts
 * import type { JobInfo } from "./job_info.ts";
 * const where = (j: JobInfo) => j.node ?? `queued (${j.reason ?? "?"})`;
 * ```
 */
export interface JobInfo {
  /** Job id (`123`, or `123_4` for an array task). */
  jobId: string;
  /** Job name. */
  name: string;
  /** Owner's user name. */
  user: string;
  /** Owner's numeric UID, when SLURM reports it. */
  uid?: number;
  /** SLURM state, e.g. PENDING, RUNNING, COMPLETED, CANCELLED, TIMEOUT. */
  state: string;
  /** Why the job waits or ended (absent when SLURM says "None"). */
  reason?: string;
  /** Node list once allocated. */
  node?: string;
  /** Partition. */
  partition?: string;
  /** Time limit in seconds (absent when unlimited). */
  timeLimitSeconds?: number;
  /** Seconds until the time limit, for running jobs. */
  timeLeftSeconds?: number;
  /** When the job was submitted. */
  submitTime?: string;
  /** When the job started (absent while pending). */
  startTime?: string;
  /** When the job ended or is scheduled to end (its time limit), once SLURM knows. */
  endTime?: string;
  /** The job's comment; selkies jobs carry {@linkcode SELKIES_COMMENT}. */
  comment?: string;
}

/**
 * The `--comment` every selkies-hpc job carries, so its jobs can be told from others.
 *
 * @example
 * ```ts
 * import { SELKIES_COMMENT } from "./job_info.ts";
 * const line = `#SBATCH --comment=${SELKIES_COMMENT}`;
 * ```
 */
export const SELKIES_COMMENT = "selkies-hpc";

/** SLURM's terminal job states: a job in one of them will never run (again) by itself. */
const ENDED_STATES = new Set([
  "COMPLETED",
  "CANCELLED",
  "FAILED",
  "TIMEOUT",
  "NODE_FAIL",
  "PREEMPTED",
  "BOOT_FAIL",
  "DEADLINE",
  "OUT_OF_MEMORY",
  "REVOKED",
  "SPECIAL_EXIT",
]);

/**
 * Whether a job has ended (COMPLETED, CANCELLED, FAILED, TIMEOUT, ...): the one rule cancel,
 * the session records and the CLI share. Queued, running and completing jobs have not.
 *
 * @example
 * ```ts
 * import { jobHasEnded } from "./job_info.ts";
 * jobHasEnded({ state: "TIMEOUT" }); // true
 * jobHasEnded({ state: "PENDING" }); // false
 * ```
 */
export function jobHasEnded(info: Pick<JobInfo, "state">): boolean {
  return ENDED_STATES.has(info.state);
}

/**
 * Parses `squeue --json` output into jobs (all of them: squeue 22.05 ignores its filters).
 *
 * @example
 * ```ts
 * import { parseSqueueJson } from "./job_info.ts";
 * parseSqueueJson('{"jobs":[]}'); // []
 * ```
 */
export function parseSqueueJson(text: string, now: Date = new Date()): JobInfo[] {
  const data = JSON.parse(text) as { jobs?: Record<string, unknown>[] };
  if (!data || !Array.isArray(data.jobs)) throw new SyntaxError("squeue --json output has no jobs array");
  return data.jobs.map((j) => fromSqueue(j, now));
}

function fromSqueue(j: Record<string, unknown>, now: Date): JobInfo {
  const arrayJob = num(j.array_job_id);
  const arrayTask = num(j.array_task_id);
  const state = str(Array.isArray(j.job_state) ? j.job_state[0] : j.job_state) ?? "UNKNOWN";
  const limitMinutes = num(j.time_limit);
  const start = num(j.start_time);
  // SLURM also stamps start_time on jobs cancelled while pending; only an allocation means it ran.
  const started = state !== "PENDING" && start !== undefined && start > 0 && !!str(j.nodes);
  return compact({
    jobId: arrayJob && arrayTask !== undefined ? `${arrayJob}_${arrayTask}` : String(num(j.job_id)),
    name: str(j.name) ?? "",
    user: str(j.user_name) ?? String(num(j.user_id) ?? ""),
    uid: num(j.user_id),
    state,
    reason: reasonOf(str(j.state_reason)),
    node: str(j.nodes),
    partition: str(j.partition),
    timeLimitSeconds: limitMinutes === undefined ? undefined : limitMinutes * 60,
    timeLeftSeconds: state === "RUNNING" && limitMinutes !== undefined && started
      ? Math.max(0, start + limitMinutes * 60 - Math.floor(now.getTime() / 1000))
      : undefined,
    submitTime: epoch(num(j.submit_time)),
    startTime: started ? epoch(start) : undefined,
    endTime: started ? epoch(num(j.end_time)) : undefined,
    comment: str(j.comment),
  });
}

/**
 * Parses one line of `scontrol show job -o <id>`; undefined when it holds no job.
 *
 * @example
 * ```ts
 * import { parseScontrolJob } from "./job_info.ts";
 * parseScontrolJob("JobId=7 JobName=x UserId=me(1000) JobState=COMPLETED Reason=None")?.state; // "COMPLETED"
 * ```
 */
export function parseScontrolJob(line: string): JobInfo | undefined {
  const f = scontrolFields(line);
  if (!f.JobId) return undefined;
  const state = f.JobState ?? "UNKNOWN";
  const limit = slurmDuration(f.TimeLimit);
  const run = slurmDuration(f.RunTime);
  const ran = state !== "PENDING" && !!f.NodeList && f.NodeList !== "(null)";
  const startTime = ran ? localTime(f.StartTime) : undefined;
  const arrayTask = f.ArrayTaskId && /^\d+$/.test(f.ArrayTaskId) ? f.ArrayTaskId : undefined;
  const uid = /\((\d+)\)$/.exec(f.UserId ?? "")?.[1]; // UserId=alice(1000)
  return compact({
    jobId: f.ArrayJobId && arrayTask ? `${f.ArrayJobId}_${arrayTask}` : f.JobId,
    name: f.JobName ?? "",
    user: (f.UserId ?? "").replace(/\(\d+\)$/, ""),
    uid: uid === undefined ? undefined : Number(uid),
    state,
    reason: reasonOf(f.Reason),
    node: f.NodeList && f.NodeList !== "(null)" ? f.NodeList : undefined,
    partition: f.Partition,
    timeLimitSeconds: limit,
    timeLeftSeconds: state === "RUNNING" && limit !== undefined && run !== undefined
      ? Math.max(0, limit - run)
      : undefined,
    submitTime: localTime(f.SubmitTime),
    startTime,
    endTime: ran ? localTime(f.EndTime) : undefined,
    comment: f.Comment && f.Comment !== "(null)" ? f.Comment : undefined,
  });
}

/**
 * Parses a SLURM duration (`MM`, `MM:SS`, `HH:MM:SS`, `D-HH[:MM[:SS]]`) into seconds; undefined for
 * UNLIMITED, N/A or garbage.
 *
 * @example
 * ```ts
 * import { slurmDuration } from "./job_info.ts";
 * slurmDuration("1-02:00:00"); // 93600
 * ```
 */
export function slurmDuration(text: string | undefined): number | undefined {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(text ?? "");
  if (!m) return undefined;
  const [d, a, b, c] = [m[1], m[2], m[3], m[4]].map((x) => (x === undefined ? undefined : Number(x)));
  if (d !== undefined) return d * 86400 + a! * 3600 + (b ?? 0) * 60 + (c ?? 0);
  if (c !== undefined) return a! * 3600 + b! * 60 + c;
  if (b !== undefined) return a! * 60 + b;
  return a! * 60;
}

function scontrolFields(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  // Keys are words followed by "="; a value runs until the next " Key=" (values may hold spaces).
  const re = /(?:^|\s)([A-Za-z][\w/:]*)=/g;
  const hits = [...line.trim().matchAll(re)];
  hits.forEach((h, i) => {
    const from = h.index! + h[0].length;
    const to = i + 1 < hits.length ? hits[i + 1].index! : line.trim().length;
    fields[h[1]] ??= line.trim().slice(from, to).trim();
  });
  return fields;
}

function num(v: unknown): number | undefined {
  // SLURM 23.02+ wraps numbers as {set, infinite, number}.
  if (v && typeof v === "object" && "number" in v) {
    const o = v as { set?: boolean; infinite?: boolean; number?: number };
    return o.set === false || o.infinite ? undefined : o.number;
  }
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function reasonOf(reason: string | undefined): string | undefined {
  return reason && reason !== "None" && reason !== "(null)" ? reason : undefined;
}

function epoch(seconds: number | undefined): string | undefined {
  return seconds ? new Date(seconds * 1000).toISOString() : undefined;
}

function localTime(text: string | undefined): string | undefined {
  // scontrol prints local time without a zone; Date parses such strings as local time.
  if (!text || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(text)) return undefined;
  return new Date(text).toISOString();
}

function compact(info: JobInfo): JobInfo {
  for (const k of Object.keys(info) as (keyof JobInfo)[]) if (info[k] === undefined) delete info[k];
  return info;
}
