/**
 * One job as `scontrol show job -o` reports it: asks the controller about that job only (cheaper
 * than listing the whole queue), and still knows jobs that ended within `MinJobAge`.
 *
 * @module
 */
import { runSlurm } from "./_command.ts";
import { checkJobId } from "./_job_id.ts";
import { slurmFailure } from "./_messages.ts";
import type { QueryOptions } from "./_squeue.ts";
import { type JobInfo, parseScontrolJob } from "./job_info.ts";

/**
 * Options for {@linkcode showJob} and {@linkcode expandNodeList}.
 *
 * @example
 * ```ts
 * import type { ShowJobOptions } from "./show_job.ts";
 * const options: ShowJobOptions = { env: { SLURM_CONF: "/etc/slurm/slurm.conf" } };
 * ```
 */
export type ShowJobOptions = QueryOptions;

/**
 * Returns the job from `scontrol show job -o <id>`; undefined when SLURM does not know it. Throws
 * {@linkcode SchedulerError} when SLURM cannot be asked.
 *
 * @example
 * ```ts
 * import { showJob } from "./show_job.ts";
 * const job = await showJob("1234");
 * console.log(job?.state, job?.uid);
 * ```
 */
export async function showJob(jobId: string, options: ShowJobOptions = {}): Promise<JobInfo | undefined> {
  checkJobId(jobId);
  const out = await runSlurm("scontrol", ["show", "job", "-o", jobId], options);
  if (out.code !== 0) {
    if (/invalid job id/i.test(out.stderr)) return undefined;
    throw slurmFailure("scontrol", out.stderr);
  }
  const line = out.stdout.split("\n").find((l) => l.startsWith("JobId="));
  return line ? parseScontrolJob(line) : undefined;
}

/**
 * Expands a SLURM node list (`gpu[01-03],viz1`) into host names with `scontrol show hostnames`.
 *
 * @example
 * ```ts
 * import { expandNodeList } from "./show_job.ts";
 * await expandNodeList("gpu[01-02]"); // ["gpu01", "gpu02"]
 * ```
 */
export async function expandNodeList(nodeList: string, options: ShowJobOptions = {}): Promise<string[]> {
  const out = await runSlurm("scontrol", ["show", "hostnames", nodeList], options);
  if (out.code !== 0) throw slurmFailure("scontrol", out.stderr);
  return out.stdout.split("\n").map((l) => l.trim()).filter(Boolean);
}
