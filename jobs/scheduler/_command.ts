/**
 * Runs one SLURM client command with an explicit environment, stdin from a string (never argv),
 * and "command missing" turned into a {@linkcode SchedulerError}.
 *
 * @module
 */
import { type CommandOutput, runCommand, type RunCommandOptions } from "../../exec.ts";
import { SchedulerError } from "./errors.ts";

/** Options for {@linkcode runSlurm}: an explicit environment (e.g. `SLURM_CONF`), stdin, a signal. */
export type RunSlurmOptions = RunCommandOptions;

/** What a finished SLURM command left behind. */
export type SlurmOutput = CommandOutput;

/**
 * Runs `cmd args...` and returns its output whatever the exit status; throws only when the command
 * cannot be started.
 *
 * @example
 * ```ts
 * import { runSlurm } from "./_command.ts";
 * const { stdout } = await runSlurm("squeue", ["--json"], { env: { SLURM_CONF: "/etc/slurm/slurm.conf" } });
 * ```
 */
export async function runSlurm(
  cmd: string,
  args: string[],
  options: RunSlurmOptions = {},
): Promise<SlurmOutput> {
  try {
    return await runCommand(cmd, args, options);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new SchedulerError(
        `${cmd} not found on PATH: run selkies-hpc on a SLURM login node (or load the slurm module)`,
        "",
        { cause: e },
      );
    }
    throw e;
  }
}
