/**
 * Removes the records (and session folders, with their secret) of jobs that have ended, so they do
 * not pile up. The rule, applied by `list` and by every submission (CLI and gateway):
 *
 * - a job SLURM shows queued or running keeps its record;
 * - a job SLURM shows ended, or no longer knows, gets `endedAt` (and its last state) written into its
 *   record the first time this is seen; `status` and `cancel` report it as ended from the record;
 * - once `endedAt` is older than {@linkcode KEEP_ENDED_MS} (24 h), the folder is removed.
 *
 * Records younger than a minute are left alone: their job may have been submitted after SLURM was
 * asked. A job seen again as active (a requeue, or a wrong "gone") loses its `endedAt`.
 *
 * @module
 */
import { listRecords, removeRecord, type SessionRecord, writeRecord } from "./record.ts";
import { jobHasEnded, type JobInfo, listSessions } from "./scheduler/mod.ts";

/**
 * How long the record of an ended job is kept (24 h), so `status` can still say how it ended.
 *
 * @example
 * ```ts
 * import { KEEP_ENDED_MS } from "./prune_records.ts";
 * KEEP_ENDED_MS / 3_600_000; // 24
 * ```
 */
export const KEEP_ENDED_MS = 24 * 3600 * 1000;

/** Records younger than this are never marked: their job may be newer than SLURM's answer. */
const FRESH_MS = 60_000;

/**
 * Options for {@linkcode pruneRecords}.
 *
 * @example
 * ```ts
 * import type { PruneRecordsOptions } from "./prune_records.ts";
 * const options: PruneRecordsOptions = { env: { SLURM_CONF: "/etc/slurm/slurm.conf" } };
 * ```
 */
export interface PruneRecordsOptions {
  /** Folder holding the session folders. @default {sessionsRoot()} */
  root?: string;
  /** The user's selkies jobs SLURM shows now. @default {listSessions({ env, signal })} */
  jobs?: readonly JobInfo[];
  /** Variables added to the environment of the SLURM commands (e.g. `SLURM_CONF`). */
  env?: Record<string, string>;
  /** Aborts the SLURM query. */
  signal?: AbortSignal;
  /** The current time. @default {new Date()} */
  now?: Date;
  /** How long an ended job's record is kept. @default {KEEP_ENDED_MS} */
  keepEndedMs?: number;
}

/**
 * Applies the rule above to every record; returns the records removed.
 *
 * @example
 * ```ts
 * import { pruneRecords } from "./prune_records.ts";
 * const removed = await pruneRecords();
 * console.log(removed.map((r) => r.jobId));
 * ```
 */
export async function pruneRecords(options: PruneRecordsOptions = {}): Promise<SessionRecord[]> {
  const root = options.root;
  const records = await listRecords({ root });
  if (records.length === 0) return [];
  const jobs = options.jobs ?? await listSessions({ env: options.env, signal: options.signal });
  const byId = new Map(jobs.map((j) => [j.jobId, j]));
  const now = (options.now ?? new Date()).getTime();
  const keep = options.keepEndedMs ?? KEEP_ENDED_MS;
  const removed: SessionRecord[] = [];
  for (const record of records) {
    const job = byId.get(record.jobId);
    if (job && !jobHasEnded(job)) {
      if (record.endedAt !== undefined) {
        const { endedAt: _, endState: __, ...active } = record;
        await writeRecord(active);
      }
      continue;
    }
    if (record.endedAt === undefined) {
      if (now - Date.parse(record.createdAt) < FRESH_MS) continue;
      await writeRecord({ ...record, endedAt: new Date(now).toISOString(), endState: job?.state });
    } else if (now - Date.parse(record.endedAt) >= keep) {
      if (await removeRecord(record.jobId, { root })) removed.push(record);
    } else if (job && record.endState !== job.state) {
      await writeRecord({ ...record, endState: job.state });
    }
  }
  return removed;
}
