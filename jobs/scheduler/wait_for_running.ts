/**
 * Waits until a submitted job runs, reporting progress while it is queued.
 *
 * @module
 */
import { checkJobId } from "./_job_id.ts";
import { SchedulerError } from "./errors.ts";
import { getJob } from "./get_job.ts";
import type { JobInfo } from "./job_info.ts";

/**
 * Where a job is on its way to running.
 *
 * @example
 * ```ts
 * import type { WaitPhase } from "./wait_for_running.ts";
 * const label = (p: WaitPhase) => ({ queued: "waiting", starting: "booting", running: "up" })[p];
 * ```
 */
export type WaitPhase = "queued" | "starting" | "running";

/**
 * Options for {@linkcode waitForRunning}.
 *
 * @example
 * ```ts
 * import type { WaitForRunningOptions } from "./wait_for_running.ts";
 * const options: WaitForRunningOptions = { timeoutMs: 600_000, onProgress: (phase) => console.error(phase) };
 * ```
 */
export interface WaitForRunningOptions {
  /** Called when the phase or the pending reason changes (and once when running). */
  onProgress?: (phase: WaitPhase, info: JobInfo) => void;
  /** Stops waiting (the job stays queued); rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Give up after this many milliseconds (the job stays queued). @default {Infinity} */
  timeoutMs?: number;
  /** Milliseconds between polls. @default {1000} */
  pollMs?: number;
  /** Variables added to the environment of the SLURM commands. */
  env?: Record<string, string>;
}

// Pending reasons that never resolve on their own: waiting on would hang forever.
const HOPELESS = new Set([
  "PartitionTimeLimit",
  "PartitionNodeLimit",
  "PartitionConfig",
  "BadConstraints",
  "InvalidAccount",
  "InvalidQOS",
  "DependencyNeverSatisfied",
]);

/**
 * Polls the job until it is RUNNING and returns it; throws {@linkcode SchedulerError} if it ends,
 * is cancelled or cannot ever start first, or on timeout.
 *
 * @example
 * ```ts
 * import { waitForRunning } from "./wait_for_running.ts";
 * const info = await waitForRunning("1234", {
 *   onProgress: (phase, job) => console.error(phase, job.reason ?? ""),
 *   timeoutMs: 600_000,
 * });
 * console.log(info.node);
 * ```
 */
export async function waitForRunning(jobId: string, options: WaitForRunningOptions = {}): Promise<JobInfo> {
  checkJobId(jobId);
  const deadline = Date.now() + (options.timeoutMs ?? Infinity);
  let last = "";
  let missing = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const info = await getJob(jobId, options);
    if (!info) {
      // A job just accepted by sbatch is always known; tolerate one odd answer, not more.
      if (++missing > 1) {
        throw new SchedulerError(`job ${jobId} is not known to SLURM (it never ran or ended long ago)`);
      }
    } else {
      missing = 0;
      const phase = phaseOf(info);
      if (phase === "ended") throw endedError(info);
      const key = `${phase}/${info.reason ?? ""}`;
      if (key !== last) options.onProgress?.(phase, info);
      last = key;
      if (phase === "running") return info;
      if (info.state === "PENDING" && info.reason && HOPELESS.has(info.reason)) {
        throw new SchedulerError(
          `job ${jobId} can never start (${info.reason}): cancel it and ask for what the partition allows`,
        );
      }
    }
    if (Date.now() >= deadline) {
      throw new SchedulerError(
        `job ${jobId} did not start within ${Math.round(options.timeoutMs! / 1000)} s` +
          (info?.reason ? ` (${info.reason})` : "") +
          `; it is still queued: cancel it or wait with \`status\``,
      );
    }
    await sleep(Math.min(options.pollMs ?? 1000, Math.max(0, deadline - Date.now())), options.signal);
  }
}

function phaseOf(info: JobInfo): WaitPhase | "ended" {
  switch (info.state) {
    case "RUNNING":
      return "running";
    case "CONFIGURING":
      return "starting";
    case "PENDING":
    case "REQUEUED":
    case "REQUEUE_HOLD":
    case "REQUEUE_FED":
    case "RESIZING":
    case "SUSPENDED":
      return "queued";
    default:
      return "ended";
  }
}

function endedError(info: JobInfo): SchedulerError {
  const why = info.reason ? `, reason: ${info.reason}` : "";
  const when = info.startTime ? "already ended" : "ended before it started running";
  return new SchedulerError(
    `job ${info.jobId} ${when} (${info.state}${why}); check its output file or \`scontrol show job ${info.jobId}\``,
  );
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
