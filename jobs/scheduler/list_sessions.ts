/**
 * Lists one user's selkies-hpc jobs.
 *
 * @module
 */
import { currentUser, type QueryOptions, squeueAll } from "./_squeue.ts";
import { type JobInfo, SELKIES_COMMENT } from "./job_info.ts";

/**
 * Options for {@linkcode listSessions}.
 *
 * @example
 * ```ts
 * import type { ListSessionsOptions } from "./list_sessions.ts";
 * const options: ListSessionsOptions = { user: "alice" };
 * ```
 */
export interface ListSessionsOptions extends QueryOptions {
  /** Whose jobs to list. @default {the user running this process} */
  user?: string;
}

/**
 * Returns the jobs squeue knows that belong to the user and carry the selkies-hpc comment.
 *
 * @example
 * ```ts
 * import { listSessions } from "./list_sessions.ts";
 * for (const job of await listSessions()) console.log(job.jobId, job.state, job.node ?? job.reason);
 * ```
 */
export async function listSessions(options: ListSessionsOptions = {}): Promise<JobInfo[]> {
  const user = options.user ?? currentUser();
  return (await squeueAll(options)).filter((j) => j.user === user && j.comment === SELKIES_COMMENT);
}
