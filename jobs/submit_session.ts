/**
 * Submits a session job: the one sequence the CLI (`submit`, `demo`) and the gateway's portal share.
 * A private session folder with its secret, the rendered script kept beside it (0600), `sbatch`, the
 * record; the folder is removed again when SLURM rejects the job, so rejected submissions leave no
 * secret behind. Each submission also prunes the records of long-ended jobs (jobs/prune_records.ts).
 *
 * @module
 */
import { join } from "node:path";
import { pruneRecords } from "./prune_records.ts";
import { writePrivateFile } from "../secrets.ts";
import { createSessionDir, type SessionRecord, writeRecord } from "./record.ts";
import { renderSbatch } from "./render.ts";
import { submitJob } from "./scheduler/mod.ts";
import type { JobSpec } from "./spec.ts";

/**
 * Options for {@linkcode submitSession}.
 *
 * @example
 * ```ts
 * import type { SubmitSessionOptions } from "./submit_session.ts";
 * const options: SubmitSessionOptions = { env: { SLURM_CONF: "/etc/slurm/slurm.conf" } };
 * ```
 */
export interface SubmitSessionOptions {
  /** Folder holding the session folders. @default {sessionsRoot()} */
  root?: string;
  /** Variables added to the environment of the SLURM commands (e.g. `SLURM_CONF`). */
  env?: Record<string, string>;
  /** Aborts the submission (sbatch is killed; the job may still have been queued). */
  signal?: AbortSignal;
}

/**
 * Submits a session job for a (resolved, limit-checked) spec and returns its record. Throws
 * `SchedulerError` when SLURM rejects it, after removing the session folder.
 *
 * @example
 * ```ts
 * import { submitSession } from "./submit_session.ts";
 * import { resolveSpec } from "./config.ts";
 * const { spec } = await resolveSpec({ flags: { partition: "gpu", gpus: "1" } });
 * const { jobId, dir } = await submitSession(spec);
 * ```
 */
export async function submitSession(
  spec: JobSpec,
  options: SubmitSessionOptions = {},
): Promise<SessionRecord> {
  const { sessionId, dir } = await createSessionDir({ root: options.root });
  let jobId: string;
  try {
    const script = renderSbatch(spec, { sessionDir: dir });
    await writePrivateFile(join(dir, "job.sh"), script);
    ({ jobId } = await submitJob(script, { env: options.env, signal: options.signal }));
  } catch (error) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
  const record: SessionRecord = { jobId, sessionId, dir, createdAt: new Date().toISOString() };
  await writeRecord(record);
  try {
    await pruneRecords({ root: options.root, env: options.env, signal: options.signal });
  } catch {
    // Housekeeping must not fail a submission SLURM accepted; the next list or submit prunes again.
  }
  return record;
}
