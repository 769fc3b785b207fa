/**
 * Shared queries: every job `squeue --json` knows, and the current user's name.
 *
 * @module
 */
import { userInfo } from "node:os";
import { runSlurm } from "./_command.ts";
import { slurmFailure } from "./_messages.ts";
import { SchedulerError } from "./errors.ts";
import { type JobInfo, parseSqueueJson } from "./job_info.ts";

/**
 * Options every query takes.
 *
 * @example
 * ```ts
 * import type { QueryOptions } from "./_squeue.ts";
 * const options: QueryOptions = { env: { SLURM_CONF: "/etc/slurm/slurm.conf" } };
 * ```
 */
export interface QueryOptions {
  /** Variables added to the environment of the SLURM commands (e.g. `SLURM_CONF`). */
  env?: Record<string, string>;
  /** Aborts the query. */
  signal?: AbortSignal;
}

/**
 * Returns every job squeue shows (22.05 ignores `-u`/`-j`/`-t` with `--json`, so callers filter).
 *
 * @example
 * ```ts
 * import { squeueAll } from "./_squeue.ts";
 * const jobs = await squeueAll({ env: { SLURM_CONF: "/etc/slurm/slurm.conf" } });
 * ```
 */
export async function squeueAll(options: QueryOptions = {}): Promise<JobInfo[]> {
  const out = await runSlurm("squeue", ["--json"], options);
  if (out.code !== 0) throw slurmFailure("squeue", out.stderr);
  try {
    return parseSqueueJson(out.stdout);
  } catch (e) {
    throw new SchedulerError(
      `squeue --json printed something unexpected: ${(e as Error).message}`,
      out.stderr,
      {
        cause: e,
      },
    );
  }
}

/**
 * Returns the name of the user running this process.
 *
 * @example
 * ```ts
 * import { currentUser } from "./_squeue.ts";
 * currentUser(); // e.g. "alice"
 * ```
 */
export function currentUser(): string {
  return userInfo().username;
}
