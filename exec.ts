/**
 * Runs a helper program (sbatch, munge, xprop...) to completion: stdin from a string (secrets go
 * there, never into argv), output decoded, any exit status returned rather than thrown.
 *
 * @module
 */

/** Options for {@linkcode runCommand}. */
export interface RunCommandOptions {
  /** Variables added to this process's environment. */
  env?: Record<string, string>;
  /** Text written to the command's stdin (closed after). */
  stdin?: string;
  /** Kills the command when aborted. */
  signal?: AbortSignal;
}

/** What a finished command left behind. */
export interface CommandOutput {
  /** Exit status. */
  code: number;
  /** Standard output, decoded. */
  stdout: string;
  /** Standard error, decoded. */
  stderr: string;
}

/**
 * Runs `cmd args...` and returns its output whatever the exit status. Throws only when the command
 * cannot be started (`Deno.errors.NotFound` when it is not on PATH) or when `signal` aborted it.
 *
 * @example
 * ```ts
 * import { runCommand } from "./exec.ts";
 * const { code, stdout } = await runCommand("sh", ["-c", "read x; echo got $x"], { stdin: "secret\n" });
 * ```
 */
export async function runCommand(
  cmd: string,
  args: string[],
  options: RunCommandOptions = {},
): Promise<CommandOutput> {
  options.signal?.throwIfAborted();
  const child = new Deno.Command(cmd, {
    args,
    env: options.env,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    signal: options.signal,
  }).spawn();
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
