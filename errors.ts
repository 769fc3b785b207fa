/**
 * The one base of every selkies-hpc error a user can hit, wherever it is raised (jobs, streamer,
 * gateway, CLI). It lives at the top level so that no folder depends on another just for it.
 *
 * The idiom every error class follows: a name ending in `Error`, `extends SelkiesError`, a message that
 * says what to do, and an `exitCode` (1: the user's input is wrong; 2: the system failed). `name` is set
 * here from the class, so subclasses never write it. The CLI (`cli.ts`) turns `exitCode` into the
 * process exit code; the servers turn errors into HTTP or WebSocket answers.
 *
 * @module
 */

/**
 * Base of every selkies-hpc error a user can hit; `exitCode` tells the CLI how to exit and `name` is
 * the class's own name.
 *
 * @example
 * ```ts
 * import { SelkiesError } from "./errors.ts";
 * const e = new SelkiesError("sbatch is not on PATH", 2);
 * e.exitCode; // 2
 * e.name; // "SelkiesError"
 * ```
 *
 * @example A subclass: its name comes from the class
 * ```ts
 * import { SelkiesError } from "./errors.ts";
 * class PartitionError extends SelkiesError {}
 * new PartitionError("no such partition").name; // "PartitionError"
 * ```
 */
export class SelkiesError extends Error {
  /** Process exit code: 1 user error, 2 system error. */
  readonly exitCode: 1 | 2;
  /**
   * Creates the error.
   *
   * @param message What went wrong and what to do about it, in one line.
   * @param exitCode 1 when the user's input is wrong, 2 when the system or scheduler failed.
   * @param options `cause`, when the error wraps another.
   */
  constructor(message: string, exitCode: 1 | 2 = 1, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}
