/**
 * Runs one SLURM client command with an explicit environment, stdin from a string (never argv),
 * and "command missing" turned into a {@linkcode SchedulerError}.
 *
 * @module
 */
import { SchedulerError } from "./errors.ts";

/**
 * Options for {@linkcode runSlurm}.
 *
 * @example
 * ```ts
 * import type { RunSlurmOptions } from "./_command.ts";
 * const options: RunSlurmOptions = { stdin: "#!/bin/sh\ntrue\n" };
 * ```
 */
export interface RunSlurmOptions {
  /** Variables added to this process's environment (e.g. `SLURM_CONF`). */
  env?: Record<string, string>;
  /** Text written to the command's stdin. */
  stdin?: string;
  /** Aborts the command (it is killed). */
  signal?: AbortSignal;
}

/**
 * What a finished command left behind.
 *
 * @example
 * ```ts
 * import type { SlurmOutput } from "./_command.ts";
 * const ok = (o: SlurmOutput) => o.code === 0;
 * ```
 */
export interface SlurmOutput {
  /** Exit status. */
  code: number;
  /** Standard output, decoded. */
  stdout: string;
  /** Standard error, decoded. */
  stderr: string;
}

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
  options.signal?.throwIfAborted();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(cmd, {
      args,
      env: options.env,
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
      signal: options.signal,
    }).spawn();
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
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    // A command that exits early closes its stdin; its exit status then tells what went wrong.
    await writer.write(new TextEncoder().encode(options.stdin)).catch(() => {});
    await writer.close().catch(() => {});
  }
  const out = await child.output();
  options.signal?.throwIfAborted();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}
