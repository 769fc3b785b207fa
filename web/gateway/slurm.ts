/**
 * Reads what the gateway needs to know about a job from SLURM (`scontrol show job -o`), which works
 * the same on 22.05 and later (no `--json` there).
 *
 * @module
 */
import { runCommand as exec } from "../../exec.ts";

/** The fields of a job the gateway checks. */
export interface JobFacts {
  /** Job id. */
  jobId: string;
  /** e.g. `RUNNING`, `PENDING`. */
  state: string;
  /** Owner's user name. */
  user: string;
  /** Owner's UID. */
  uid: number;
  /** Expanded node names. */
  nodes: string[];
  /** Scheduled end, ms since the epoch, when SLURM knows it. */
  endTime?: number;
  /** Job name. */
  name: string;
}

/** Raised when SLURM cannot be asked or does not know the job. */
export class SlurmQueryError extends Error {
  override name = "SlurmQueryError";
}

/**
 * Looks a job up; `env` carries `SLURM_CONF` and `PATH` for the cluster.
 *
 * @example
 * ```ts ignore
 * import { jobFacts } from "./slurm.ts";
 * const job = await jobFacts("42", { SLURM_CONF: "/etc/slurm/slurm.conf" });
 * job.state; // "RUNNING"
 * ```
 */
export async function jobFacts(jobId: string, env?: Record<string, string>): Promise<JobFacts> {
  if (!/^\d{1,12}(_\d{1,9})?$/.test(jobId)) throw new SlurmQueryError(`not a job id: ${jobId}`);
  const shown = await scontrol(["show", "job", "-o", jobId], env);
  const field = (name: string) => new RegExp(`(?:^|\\s)${name}=(\\S*)`).exec(shown)?.[1];
  const owner = /(?:^|\s)UserId=([^\s(]+)\((\d+)\)/.exec(shown);
  const state = field("JobState");
  if (!owner || !state) throw new SlurmQueryError(`SLURM does not know job ${jobId}`);
  const nodeList = field("NodeList");
  const nodes = nodeList && nodeList !== "(null)"
    ? (await scontrol(["show", "hostnames", nodeList], env)).split("\n").filter(Boolean)
    : [];
  const end = Date.parse(field("EndTime") ?? "");
  return {
    jobId,
    state,
    user: owner[1],
    uid: Number(owner[2]),
    nodes,
    endTime: Number.isNaN(end) ? undefined : end,
    name: field("JobName") ?? "",
  };
}

async function scontrol(args: string[], env?: Record<string, string>): Promise<string> {
  let result;
  try {
    result = await exec("scontrol", args, { env });
  } catch (error) {
    throw new SlurmQueryError(`cannot run scontrol (is slurm-client installed on the gateway?): ${error}`);
  }
  if (result.code !== 0) throw new SlurmQueryError(`scontrol ${args[1]}: ${result.stderr.trim()}`);
  return result.stdout;
}
