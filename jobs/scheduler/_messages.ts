/**
 * Turns SLURM's error output into one message that says what to do. Patterns are SLURM's own
 * strings (22.05 and later), matched case-insensitively.
 *
 * @module
 */
import { SchedulerError } from "./errors.ts";

const RULES: [RegExp, (m: RegExpMatchArray) => string][] = [
  [
    /invalid partition specified: (\S+)/i,
    (m) => `partition "${m[1]}" does not exist: pick one listed by \`sinfo -s\``,
  ],
  [/invalid partition name specified/i, () => "that partition does not exist: pick one listed by `sinfo -s`"],
  [
    /requested time limit is invalid|time limit exceeds/i,
    () => 'the requested time exceeds the partition\'s limit: ask for less (see `sinfo -o "%P %l"`)',
  ],
  [
    /invalid account/i,
    () => "the account is not valid for you on this partition: check `sacctmgr show assoc user=$USER`",
  ],
  [/invalid qos/i, () => "the QOS is not valid for you: check `sacctmgr show assoc user=$USER format=qos`"],
  [
    /invalid generic resource|invalid trackable resource|invalid gres/i,
    () => 'the GPU/gres request is not valid here: check the GPU type and count with `sinfo -o "%P %G"`',
  ],
  [
    /requested node configuration is not available/i,
    () => "no node in that partition has what you asked for (GPUs, CPUs, memory): ask for less",
  ],
  [
    /job violates accounting\/qos policy/i,
    () => "the job violates a QOS or accounting limit (too many jobs, GPUs or time): ask for less",
  ],
  [/access\/permission denied/i, () => "permission denied: that job belongs to another user"],
  [
    /unable to contact slurm controller|connection refused|socket timed out|zero bytes were transmitted/i,
    () => "cannot reach the SLURM controller: it may be down or SLURM_CONF may be wrong; try again later",
  ],
  [
    /munge|authentication error|protocol authentication/i,
    () => "SLURM authentication (MUNGE) failed: is munged running on this host?",
  ],
];

/**
 * Builds the {@linkcode SchedulerError} for a failed SLURM command from its stderr.
 *
 * @example
 * ```ts
 * import { slurmFailure } from "./_messages.ts";
 * slurmFailure("sbatch", "sbatch: error: invalid partition specified: gpu\n").message;
 * // 'sbatch: partition "gpu" does not exist: pick one listed by `sinfo -s`'
 * ```
 */
export function slurmFailure(cmd: string, stderr: string): SchedulerError {
  for (const [pattern, describe] of RULES) {
    const m = stderr.match(pattern);
    if (m) return new SchedulerError(`${cmd}: ${describe(m)}`, stderr);
  }
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  const last = lines.at(-1)?.replace(/^\w+: error: /, "") ?? "no error message";
  return new SchedulerError(`${cmd} failed: ${last}`, stderr);
}
