/**
 * The session's view of its job's clock: the end time SLURM gives the job (asked at start, again every
 * `refreshMs` and on SLURM's USR1, so an admin's `scontrol update TimeLimit=...` reaches the viewers), and why
 * the session ends when it does (SLURM is asked on SIGTERM: walltime or cancelled?). A session outside SLURM
 * has no end time, so its viewers show no countdown.
 *
 * @module
 */
import type { JobStatusMessage, SessionEndMessage } from "../../protocol/job.ts";
import { endOfJob, endOnSignal, jobEndsAt, type JobInfo, showJob } from "../../jobs/scheduler/mod.ts";
import { abortable } from "../../abortable.ts";
import { getLog } from "../../log.ts";

const log = getLog("session", "job");

/** Options of {@linkcode JobClock}. */
export interface JobClockOptions {
  /** The SLURM job id; undefined outside SLURM (no end time, nothing asked). */
  jobId?: string;
  /** The compute node's name, for the viewers. */
  node: string;
  /** Minutes before the end at which viewers are warned (the session setting `walltimeWarnings`). */
  warnMinutes: readonly number[];
  /** Called with the new status whenever the end time changes. */
  onChange(status: JobStatusMessage): void;
  /** Asks SLURM about the job. @default {showJob: `scontrol show job -o`} */
  lookup?: (jobId: string, signal: AbortSignal) => Promise<JobInfo | undefined>;
  /** How often the end time is asked again, ms. @default {30000} */
  refreshMs?: number;
  /** Longest wait for SLURM's answer about the end time, ms. @default {5000} */
  askTimeoutMs?: number;
  /**
   * Longest wait for SLURM's answer about why the session stops, ms: the stop waits for it, and after SIGTERM
   * SLURM's KillWait (30 s by default, 5 s on some sites) is all the time the session has left. @default {1000}
   */
  endAskTimeoutMs?: number;
  /** The clock. @default {Date.now} */
  now?: () => number;
}

/** Why the session stops, as {@linkcode JobClock.endMessage} is told. */
export type StopCause =
  /** SIGTERM (scancel, the time limit) or SIGINT. */
  | { signal: string }
  /** Something vital died (the X server, the media workers), in these words. */
  | { died: string };

/**
 * Keeps the job's end time and tells viewers when it changes.
 *
 * @example
 * ```ts
 * import { JobClock } from "./job_clock.ts";
 * const clock = new JobClock({
 *   jobId: "42",
 *   node: "gpu01",
 *   warnMinutes: [15, 5],
 *   onChange: (status) => console.log("ends at", status.endsAt),
 * });
 * clock.status(); // { t: "job", id: "42", node: "gpu01", warnMinutes: [15, 5], sentAt: ... }
 * const end = await clock.endMessage({ signal: "SIGTERM" }); // walltime or cancelled, SLURM says
 * clock.close();
 * ```
 */
export class JobClock {
  readonly #options: JobClockOptions;
  readonly #now: () => number;
  readonly #warnMinutes: number[];
  readonly #timer?: ReturnType<typeof setInterval>;
  #endsAt: number | undefined;
  #asking: Promise<void> | undefined;
  #failures = 0;
  #closed = false;

  constructor(options: JobClockOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#warnMinutes = [...new Set(options.warnMinutes)].filter((m) => m > 0).sort((a, b) => b - a);
    if (options.jobId === undefined) return;
    this.#timer = setInterval(() => void this.refresh(), options.refreshMs ?? 30_000);
    void this.refresh();
  }

  /** When the job ends (epoch ms), as last heard from SLURM; undefined outside SLURM or without a limit. */
  get endsAt(): number | undefined {
    return this.#endsAt;
  }

  /** The `job` message for a viewer: sent on connect and on every change. */
  status(): JobStatusMessage {
    const { jobId, node } = this.#options;
    const status: JobStatusMessage = { t: "job", node, warnMinutes: this.#warnMinutes, sentAt: this.#now() };
    if (jobId !== undefined) status.id = jobId;
    if (this.#endsAt !== undefined) status.endsAt = this.#endsAt;
    return status;
  }

  /**
   * Asks SLURM for the end time now (at most one question at a time); viewers hear of a change. A failed
   * question keeps the last known end time.
   */
  refresh(): Promise<void> {
    if (this.#options.jobId === undefined || this.#closed) return Promise.resolve();
    return this.#asking ??= this.#ask().finally(() => this.#asking = undefined);
  }

  /**
   * The `end` message for the viewers when the session stops: on a signal, SLURM is asked whether the job
   * reached its time limit or was cancelled (the end time known before decides when SLURM does not answer in
   * time); when something died, SLURM's word if it is ending the job, else the failure. Never rejects.
   */
  async endMessage(cause: StopCause): Promise<SessionEndMessage> {
    const { jobId, node } = this.#options;
    if (jobId === undefined) {
      return "died" in cause
        ? { t: "end", reason: "failed", message: `The session on ${node} failed: ${cause.died}.` }
        : { t: "end", reason: "stopped", message: `The session on ${node} was stopped.` };
    }
    const now = this.#now();
    const job = await this.#lookup(jobId, this.#options.endAskTimeoutMs ?? 1000).catch((error) => {
      log.warning("SLURM did not say how job {jobId} ends: {error}", { jobId, error: String(error) });
      return undefined;
    });
    // SLURM signals every process of the job at once: the X server may die before our own SIGTERM is seen.
    if ("signal" in cause || job?.state === "COMPLETING") return endOnSignal(job, this.#endsAt, now, jobId);
    return endOfJob(job ?? { jobId, state: "RUNNING" }) ?? {
      t: "end",
      reason: "failed",
      message: `The session of job ${jobId} failed: ${cause.died}. Its job log may say more; start a new ` +
        "session to go on working.",
    };
  }

  /** Stops asking. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }

  async #ask(): Promise<void> {
    const jobId = this.#options.jobId!;
    let job: JobInfo | undefined;
    try {
      job = await this.#lookup(jobId, this.#options.askTimeoutMs ?? 5000);
    } catch (error) {
      // A busy controller is no reason to spam the job log: the first failure is a warning, the rest debug.
      const level = this.#failures++ === 0 ? "warning" : "debug";
      log[level]("could not ask SLURM for the end time of job {jobId}: {error}", {
        jobId,
        error: String(error),
      });
      return;
    }
    this.#failures = 0;
    if (this.#closed || !job) return;
    const endsAt = jobEndsAt(job);
    if (endsAt === this.#endsAt) return;
    log.info("job {jobId} ends at {at}", { jobId, at: endsAt ? new Date(endsAt).toISOString() : "no limit" });
    this.#endsAt = endsAt;
    this.#options.onChange(this.status());
  }

  #lookup(jobId: string, timeoutMs: number): Promise<JobInfo | undefined> {
    const signal = AbortSignal.timeout(timeoutMs);
    const lookup = this.#options.lookup ?? ((id, s) => showJob(id, { signal: s }));
    // Bounded even when the lookup does not heed its signal.
    return abortable(lookup(jobId, signal), signal);
  }
}
