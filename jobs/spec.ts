/**
 * The job spec: SLURM resources + session settings (+ an optional plain command instead of the
 * streamer). It is the one source of truth the CLI flags, config files and sbatch script come from.
 *
 * @module
 */
import { z } from "zod";
import { ResourcesSchema } from "./resources.ts";
import { SessionSettingsSchema } from "./session.ts";

/** Schema of a full job spec, with defaults. */
export const JobSpecSchema = z.object({
  /** What SLURM allocates. */
  resources: ResourcesSchema.default(ResourcesSchema.parse({})),
  /** What the streamer does in the allocation. */
  session: SessionSettingsSchema.default(SessionSettingsSchema.parse({})),
  /** Run this shell command instead of the streamer (tests, or scheduler checks before a streamer). */
  command: z.string().min(1).max(65536).optional(),
}).strict();

/** A job spec after defaults are applied. */
export type JobSpec = z.output<typeof JobSpecSchema>;
/** A job spec as written by a user (every field optional). */
export type JobSpecInput = z.input<typeof JobSpecSchema>;

/**
 * Validates a job spec, returning it with defaults; throws the zod error on bad input.
 *
 * @example
 * ```ts
 * import { parseJobSpec } from "./spec.ts";
 * const spec = parseJobSpec({ resources: { partition: "gpu", time: "2:00:00" } });
 * spec.session.geometry; // "1920x1080"
 * ```
 */
export function parseJobSpec(input: unknown): JobSpec {
  return JobSpecSchema.parse(input);
}
