/**
 * The site config's `idleRelease:` section: end a session nobody uses, so its allocation (often GPUs) goes back
 * to the queue. Off unless the site sets `minutes`. The streamer runs the timer
 * (streamer/session/idle_release.ts); `selkies-hpc doctor` shows the setting.
 *
 * @module
 */
import { z } from "zod";

/** Schema of `idleRelease:` in `/etc/selkies-hpc/site.yaml`. */
export const IdleReleaseSettingsSchema = z.object({
  /** Minutes without a viewer and without input before the session ends; 0 (or no section) turns it off. */
  minutes: z.number().min(0).max(7 * 24 * 60),
  /** Minutes before the release at which the job log and any viewer are warned. @default {min(5, 10 % of minutes)} */
  warnMinutes: z.number().min(0).optional(),
  /**
   * Whether a connected viewer keeps the session even when it gives no input. `false`: only input counts, so a
   * browser tab left open on an unused desktop is released too (it sees the warning first).
   * @default {true}
   */
  watchingKeeps: z.boolean().default(true),
}).strict().refine((s) => s.warnMinutes === undefined || s.warnMinutes < s.minutes || s.minutes === 0, {
  message: "warnMinutes must be less than minutes",
  path: ["warnMinutes"],
});

/** The idle release setting as the site wrote it (validated). */
export type IdleReleaseSettings = z.output<typeof IdleReleaseSettingsSchema>;

/** The idle release policy in milliseconds, ready for the streamer's timer. */
export interface IdleReleasePolicy {
  /** Idle time after which the session ends. */
  limitMs: number;
  /** How long before the end the warning comes. */
  warnMs: number;
  /** Whether a connected viewer keeps the session without input. */
  watchingKeeps: boolean;
}

/**
 * Turns the site's setting into the streamer's policy; `undefined` when idle release is off.
 *
 * @example
 * ```ts
 * import { idleReleasePolicy } from "./site_idle_release.ts";
 * idleReleasePolicy({ minutes: 60, watchingKeeps: true }); // { limitMs: 3600000, warnMs: 300000, ... }
 * idleReleasePolicy(undefined); // undefined: off
 * ```
 */
export function idleReleasePolicy(settings: IdleReleaseSettings | undefined): IdleReleasePolicy | undefined {
  if (!settings || settings.minutes <= 0) return undefined;
  const limitMs = settings.minutes * 60_000;
  const warnMinutes = settings.warnMinutes ?? Math.min(5, settings.minutes / 10);
  return { limitMs, warnMs: warnMinutes * 60_000, watchingKeeps: settings.watchingKeeps };
}

/**
 * One line describing the setting, for `selkies-hpc doctor` and logs.
 *
 * @example
 * ```ts
 * import { describeIdleRelease } from "./site_idle_release.ts";
 * describeIdleRelease({ minutes: 60, watchingKeeps: true });
 * // "after 60 min with no viewer and no input (warning 5 min before); a connected viewer keeps the session"
 * ```
 */
export function describeIdleRelease(settings: IdleReleaseSettings | undefined): string {
  const policy = idleReleasePolicy(settings);
  if (!policy) return "off (set idleRelease.minutes in the site config to end unused sessions)";
  const min = (ms: number) => `${Math.round(ms / 6000) / 10} min`;
  const warning = `(warning ${min(policy.warnMs)} before)`;
  return policy.watchingKeeps
    ? `after ${
      min(policy.limitMs)
    } with no viewer and no input ${warning}; a connected viewer keeps the session`
    : `after ${
      min(policy.limitMs)
    } with no input ${warning}; a connected viewer without input counts as idle too`;
}
