/**
 * CLI options derived from the job spec's field list (jobs/_fields.ts), so every spec field is a
 * flag with the schema's help text and nobody writes the list twice. Values are left loosely typed
 * here: the zod schemas validate them after config merging.
 *
 * @module
 */
import { object } from "@optique/core/constructs";
import { message, text } from "@optique/core/message";
import { multiple, optional } from "@optique/core/modifiers";
import type { Parser } from "@optique/core/parser";
import { negatableFlag, option } from "@optique/core/primitives";
import { choice, integer, string } from "@optique/core/valueparser";
import { SPEC_FIELDS, type SpecField } from "../jobs/_fields.ts";
import { parseSbatchOptions } from "../jobs/resources.ts";
import { type ResolvedSpec, resolveSpec } from "../jobs/config.ts";

// deno-lint-ignore no-explicit-any
type AnyParser = Parser<"sync", any, any>;

const METAVARS: Record<string, string> = {
  time: "TIME",
  mem: "SIZE",
  gpus: "[TYPE:]N",
  geometry: "WxH",
  gateway: "URL",
  binds: "SRC[:DST]",
  sbatchOptions: "OPT[=VALUE]",
  output: "PATH",
  error: "PATH",
  image: "IMAGE",
  desktop: "CMD",
  app: "CMD",
};

function fieldParser(field: SpecField): AnyParser {
  const help = field.defaultValue !== undefined && field.kind !== "record" && field.kind !== "list"
    ? `${field.description} (default ${String(field.defaultValue)}; env ${field.env})`
    : `${field.description} (env ${field.env})`;
  const description = message`${text(help)}`;
  const metavar = (METAVARS[field.key] ?? field.key.toUpperCase()) as "VALUE";
  switch (field.kind) {
    case "boolean":
      return optional(negatableFlag({ positive: field.flag, negative: `--no-${field.flag.slice(2)}` }, {
        description,
      }));
    case "number":
      return optional(option(field.flag, integer({ metavar: "N" }), { description }));
    case "enum":
      return optional(option(field.flag, choice(field.choices as string[], { metavar }), { description }));
    case "list":
      return multiple(option(field.flag, string({ metavar }), { description }));
    case "record":
      return multiple(option(field.flag, string({ metavar }), { description }));
    default:
      return optional(option(field.flag, string({ metavar }), { description }));
  }
}

function groupParser(label: string, group: SpecField["group"]): AnyParser {
  const parsers: Record<string, AnyParser> = {};
  for (const field of SPEC_FIELDS.filter((f) => f.group === group)) parsers[field.key] = fieldParser(field);
  return object(label, parsers) as AnyParser;
}

/**
 * Options for every SLURM resources field (`--partition`, `--time`, `--gpus`, ...).
 *
 * @example
 * ```ts
 * import { resourcesOptions } from "./_spec_options.ts";
 * import { parse } from "@optique/core/parser";
 * parse(resourcesOptions(), ["--partition", "gpu"]);
 * ```
 */
export function resourcesOptions(): AnyParser {
  return groupParser("SLURM resources", "resources");
}

/**
 * Options for every session field (`--geometry`, `--fps`, `--encoder`, ...).
 *
 * @example
 * ```ts
 * import { sessionOptions } from "./_spec_options.ts";
 * import { parse } from "@optique/core/parser";
 * parse(sessionOptions(), ["--fps", "30"]);
 * ```
 */
export function sessionOptions(): AnyParser {
  return groupParser("Session", "session");
}

/**
 * Turns parsed option values into a flat spec patch: unset options dropped, empty lists dropped
 * (so config files still apply), `--sbatch-options` items parsed into a record.
 *
 * @example
 * ```ts
 * import { toPatch } from "./_spec_options.ts";
 * toPatch({ partition: "gpu", binds: [], fps: undefined }); // { partition: "gpu" }
 * ```
 */
export function toPatch(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of SPEC_FIELDS) {
    const v = values[field.key];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[field.key] = field.kind === "record" ? parseSbatchOptions(v as string[]) : v;
  }
  return out;
}

/**
 * Resolves the job spec from parsed CLI values plus env and config files (limits enforced).
 *
 * @example
 * ```ts
 * import { specFromArgs } from "./_spec_options.ts";
 * const { spec } = await specFromArgs({ partition: "gpu" });
 * ```
 */
export function specFromArgs(
  values: Record<string, unknown>,
  options: { command?: string; limits?: boolean } = {},
): Promise<ResolvedSpec> {
  return resolveSpec({ flags: toPatch(values), command: options.command, limits: options.limits });
}
