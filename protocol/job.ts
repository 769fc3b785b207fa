/**
 * What the viewer is told about the job a session runs in: its end time (for the countdown and the warnings)
 * and, when the session ends, why. One home for the streamer, the gateway (which reports a node that died) and
 * the browser (zod-free: the browser bundle imports it).
 *
 * @module
 */

/**
 * Why a session ended, as the end screen names it:
 * - `walltime`: the job reached its time limit;
 * - `cancelled`: the job was cancelled (`scancel`, the portal, `selkies-hpc cancel`) or the owner stopped it;
 * - `node-failure`: the compute node or the streamer died (the gateway saw its tunnel go and SLURM agrees);
 * - `idle`: nobody watched or typed for the site's idle limit, so the allocation was released;
 * - `failed`: something vital in the session failed (the X server, the media worker);
 * - `stopped`: the session stopped for another reason (e.g. a local run ended with Ctrl-C).
 */
export type EndReason = "walltime" | "cancelled" | "node-failure" | "idle" | "failed" | "stopped";

/** Every {@linkcode EndReason}, for validation. */
export const END_REASONS: readonly EndReason[] = [
  "walltime",
  "cancelled",
  "node-failure",
  "idle",
  "failed",
  "stopped",
];

/** The job's state as the viewer sees it; sent on connect and whenever it changes. */
export interface JobStatusMessage {
  t: "job";
  /** The SLURM job id; absent for a session run outside SLURM. */
  id?: string;
  /** The compute node's name. */
  node?: string;
  /** When the job ends (its time limit), Unix epoch milliseconds; absent when it has no limit. */
  endsAt?: number;
  /** Minutes before `endsAt` at which the client warns (the site's thresholds), largest first. */
  warnMinutes: number[];
  /**
   * The sender's clock when it sent this (epoch ms): the browser counts down from `endsAt - sentAt`, so a
   * viewer whose own clock is off still sees the right time left. Absent: the browser's clock is trusted.
   */
  sentAt?: number;
}

/** The session has ended (sent just before the streamer or the gateway closes the viewer's socket). */
export interface SessionEndMessage {
  t: "end";
  reason: EndReason;
  /** One sentence for the user, e.g. "The job reached its time limit of 2:00:00." */
  message: string;
}

/**
 * Whether a value is one of the {@linkcode EndReason}s.
 *
 * @example
 * ```ts
 * import { isEndReason } from "./job.ts";
 * isEndReason("walltime"); // true
 * isEndReason("boom"); // false
 * ```
 */
export function isEndReason(value: unknown): value is EndReason {
  return typeof value === "string" && (END_REASONS as readonly string[]).includes(value);
}
