/**
 * What a job grants the streamer, read once from the environment SLURM (and the job script) gave it:
 * the job id, its CPUs and GPUs, the user, SLURM's name for the node, when the walltime warning comes,
 * MUNGE's socket, and the session folder and ready file. The CLI reads it (`selkies-hpc stream`) and
 * passes the values down; the streamer's modules never look at the environment for these.
 *
 * @module
 */
import { hostname, userInfo } from "node:os";

/** The GPUs of the job, as SLURM announces them. */
export interface JobGpus {
  /** `SLURM_JOB_GPUS`: physical indices of the job's GPUs (the NVIDIA device minors, `/dev/nvidia<N>`). */
  slurmJobGpus?: string;
  /** `CUDA_VISIBLE_DEVICES`: the GPUs as CUDA sees them (SLURM renumbers them from 0 in a device cgroup). */
  cudaVisibleDevices?: string;
}

/** The job the streamer runs in (or this machine, outside SLURM). */
export interface Allocation {
  /** `SLURM_JOB_ID`; undefined outside a job. */
  jobId?: string;
  /** CPUs the session may use (`SLURM_CPUS_PER_TASK`, else `SLURM_CPUS_ON_NODE`); unset: the machine's. */
  cpus?: number;
  /** The job's GPUs (empty outside a job: the machine's first GPU, if any). */
  gpus: JobGpus;
  /** The account name of this process's UID (what the gateway checks the job's owner against). */
  user: string;
  /** SLURM's name for this node (`SLURMD_NODENAME`), else the short host name. */
  nodeName: string;
  /** Seconds before the walltime at which USR1 comes (`SELKIES_WALLTIME_WARNING_SECONDS`, set by the job). */
  walltimeWarningSeconds?: number;
  /** The munged socket (`SELKIES_MUNGE_SOCKET`); undefined: munge's default. */
  mungeSocket?: string;
  /** Where the job script wants the ready file (`SELKIES_READY_FILE`). */
  readyFile?: string;
  /** The session folder the job script made (`SELKIES_SESSION_DIR`). */
  sessionDir?: string;
}

/**
 * Reads the allocation from an environment: the process's own in the CLI, a literal one in tests.
 * Values that are empty or not numbers where numbers belong count as unset.
 *
 * @param env The environment to read. @default {Deno.env.toObject()}
 * @example
 * ```ts
 * import { readAllocation } from "./allocation.ts";
 * const job = readAllocation({ SLURM_JOB_ID: "42", SLURM_CPUS_PER_TASK: "4", SLURMD_NODENAME: "gpu01" });
 * job.jobId; // "42"
 * job.cpus; // 4
 * job.nodeName; // "gpu01"
 * ```
 */
export function readAllocation(env: Record<string, string | undefined> = Deno.env.toObject()): Allocation {
  const text = (name: string) => env[name]?.trim() || undefined;
  const positive = (name: string) => {
    const n = Number(text(name));
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  const whole = (name: string) => {
    const n = positive(name);
    return n !== undefined && Number.isInteger(n) ? n : undefined;
  };
  return {
    jobId: text("SLURM_JOB_ID"),
    cpus: whole("SLURM_CPUS_PER_TASK") ?? whole("SLURM_CPUS_ON_NODE"),
    gpus: { slurmJobGpus: text("SLURM_JOB_GPUS"), cudaVisibleDevices: text("CUDA_VISIBLE_DEVICES") },
    user: currentUser(env),
    // NodeName may differ from the host name (`NodeName=gpu01 NodeHostname=r3-gpu01`): only SLURMD_NODENAME,
    // which slurmd sets in every job, names the node as scontrol (and so the gateway's check) does.
    nodeName: text("SLURMD_NODENAME") ?? hostname().split(".")[0],
    walltimeWarningSeconds: positive("SELKIES_WALLTIME_WARNING_SECONDS"),
    mungeSocket: text("SELKIES_MUNGE_SOCKET"),
    readyFile: text("SELKIES_READY_FILE"),
    sessionDir: text("SELKIES_SESSION_DIR"),
  };
}

/**
 * This machine outside any job: no job id, every CPU, no GPU assignment, this host's name. What the
 * streamer assumes when it is used as a library without an allocation.
 *
 * @example
 * ```ts
 * import { localAllocation } from "./allocation.ts";
 * localAllocation().jobId; // undefined
 * ```
 */
export function localAllocation(): Allocation {
  return readAllocation({});
}

/** The account name of this process's UID ($USER may be unset, or someone else's after `su`). */
function currentUser(env: Record<string, string | undefined>): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER || env.LOGNAME || String(Deno.uid());
  }
}
