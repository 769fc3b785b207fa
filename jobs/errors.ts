/**
 * Errors a user can hit while building a job: each carries the process exit code the CLI turns it
 * into (1: the user's input is wrong; 2: the system or scheduler failed) and a one-line message that
 * says what to do.
 *
 * @module
 */
import { SelkiesError } from "../errors.ts";

// The base lives in the top-level errors.ts; jobs/ callers keep importing it from here.
export { SelkiesError };

/**
 * A job spec field has an invalid value (bad time format, hostile characters, unknown sbatch option).
 *
 * @example
 * ```ts
 * import { SpecError } from "./errors.ts";
 * throw new SpecError("time: \"1h\" is not a SLURM time (use e.g. 01:00:00 or 1-00:00)");
 * ```
 */
export class SpecError extends SelkiesError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 1, options);
  }
}

/**
 * A config file cannot be read, is not valid YAML, or has unknown or invalid keys.
 *
 * @example
 * ```ts
 * import { ConfigError } from "./errors.ts";
 * throw new ConfigError("/etc/selkies-hpc/site.yaml: unknown key \"limts\"");
 * ```
 */
export class ConfigError extends SelkiesError {
  /** The file at fault, when there is one. */
  readonly file?: string;
  constructor(message: string, file?: string, options?: ErrorOptions) {
    super(file ? `${file}: ${message}` : message, 1, options);
    this.file = file;
  }
}

/**
 * A requested value exceeds a site limit (partition not allowed, too much time or GPUs).
 *
 * @example
 * ```ts
 * import { LimitError } from "./errors.ts";
 * const e = new LimitError("time", "2-00:00:00", "24:00:00 (site maxTime)");
 * e.message; // 'time "2-00:00:00" exceeds the site limit 24:00:00 (site maxTime)'
 * ```
 */
export class LimitError extends SelkiesError {
  /** The spec field over its limit. */
  readonly field: string;
  constructor(field: string, value: string, limit: string, verb = "exceeds the site limit") {
    super(`${field} ${JSON.stringify(value)} ${verb} ${limit}`, 1);
    this.field = field;
  }
}

/** The parts of a zod error this module reads (kept structural so errors.ts needs no zod import). */
interface IssueList {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}

/**
 * Turns a zod validation error into a one-line message: `field: problem (got "value")`.
 *
 * @example
 * ```ts
 * import { describeIssues } from "./errors.ts";
 * describeIssues({ issues: [{ path: ["resources", "time"], message: "bad time" }] }, { resources: { time: "1h" } });
 * // 'time: bad time (got "1h")'
 * ```
 */
export function describeIssues(error: IssueList, input?: unknown): string {
  return error.issues.map((issue) => {
    const path = issue.path.filter((p) => p !== "resources" && p !== "session").map(String);
    let value: unknown = input;
    for (const p of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[p];
    const got = typeof value === "string" || typeof value === "number"
      ? ` (got ${JSON.stringify(value)})`
      : "";
    return `${path.join(".") || "spec"}: ${issue.message}${got}`;
  }).join("; ");
}
