/**
 * Builds the job spec from every source, highest precedence first: CLI flags, environment
 * (`SELKIES_*`), the user's config (`$XDG_CONFIG_HOME/selkies-hpc/config.yaml`), the site config
 * (`SELKIES_SITE_CONFIG` or `/etc/selkies-hpc/site.yaml`, whose `defaults:` apply), then the schema
 * defaults; and checks the result against the site's `limits:`.
 *
 * @module
 */
import { parse as parseYaml } from "yaml";
import { ConfigError, describeIssues, SpecError } from "./errors.ts";
import { FIELD_BY_KEY, SPEC_FIELDS, type SpecField } from "./_fields.ts";
import { type JobSpec, JobSpecSchema } from "./spec.ts";
import { checkLimits, type SiteConfig, SiteConfigSchema } from "./_limits.ts";
import { parseSbatchOptions } from "./resources.ts";

export { checkLimits, type SiteConfig, SiteConfigSchema };

/** A flat map of spec field key to value (`partition`, `geometry`, ...), as flags/env/files give it. */
export type SpecPatch = Record<string, unknown>;

/** Options for {@linkcode resolveSpec}. */
export interface ResolveSpecOptions {
  /** Values from CLI flags (flat field keys); `undefined` entries are ignored. @default {{}} */
  flags?: SpecPatch;
  /** Plain command to run instead of the streamer. */
  command?: string;
  /** Environment to read `SELKIES_*`, `HOME`, `XDG_CONFIG_HOME` from. @default {Deno.env.toObject()} */
  env?: Record<string, string | undefined>;
  /** User config path. @default {"$XDG_CONFIG_HOME/selkies-hpc/config.yaml"} */
  userConfigPath?: string;
  /** Site config path. @default {"$SELKIES_SITE_CONFIG" or "/etc/selkies-hpc/site.yaml"} */
  siteConfigPath?: string;
  /** Enforce the site limits (off for `stream`, which runs inside an allocation). @default {true} */
  limits?: boolean;
}

/** The outcome of {@linkcode resolveSpec}. */
export interface ResolvedSpec {
  /** The merged, validated, limit-checked spec. */
  spec: JobSpec;
  /** The site config (empty when there is no site file). */
  site: SiteConfig;
  /** Config files that were read. */
  files: string[];
}

/**
 * Paths of the user and site config files for an environment.
 *
 * @example
 * ```ts
 * import { configPaths } from "./config.ts";
 * configPaths({ HOME: "/home/ada" }).user; // "/home/ada/.config/selkies-hpc/config.yaml"
 * ```
 */
export function configPaths(env: Record<string, string | undefined>): { user: string; site: string } {
  const xdg = env.XDG_CONFIG_HOME || `${env.HOME ?? "/nonexistent"}/.config`;
  return {
    user: `${xdg}/selkies-hpc/config.yaml`,
    site: env.SELKIES_SITE_CONFIG || "/etc/selkies-hpc/site.yaml",
  };
}

/**
 * Merges flags > env > user config > site config > defaults into a validated job spec, then
 * enforces the site limits. Throws {@linkcode SpecError}, {@linkcode ConfigError} or `LimitError`.
 *
 * @example
 * ```ts
 * import { resolveSpec } from "./config.ts";
 * const { spec } = await resolveSpec({ flags: { partition: "gpu", time: "02:00:00" } });
 * ```
 */
export async function resolveSpec(options: ResolveSpecOptions = {}): Promise<ResolvedSpec> {
  const env = options.env ?? Deno.env.toObject();
  const paths = configPaths(env);
  const sitePath = options.siteConfigPath ?? paths.site;
  const userPath = options.userConfigPath ?? paths.user;
  const files: string[] = [];
  const siteRaw = await readYaml(sitePath);
  const site = siteRaw === undefined ? SiteConfigSchema.parse({}) : parseSite(siteRaw, sitePath);
  if (siteRaw !== undefined) files.push(sitePath);
  const userRaw = await readYaml(userPath);
  if (userRaw !== undefined) files.push(userPath);

  const layers: SpecPatch[] = [
    site.gateway ? { gateway: site.gateway } : {},
    patchFromFile(site.defaults ?? {}, `${sitePath} (defaults)`),
    userRaw === undefined ? {} : patchFromFile(userRaw, userPath),
    patchFromEnv(env),
    patchFromValues(options.flags ?? {}, "command line"),
  ];
  const merged: SpecPatch = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) merged[k] = v;
  }
  const spec = buildSpec(merged, options.command);
  if (options.limits !== false) checkLimits(spec, site);
  return { spec, site, files };
}

/**
 * Validates a flat patch into a full job spec (no config files, no limits).
 *
 * @example
 * ```ts
 * import { buildSpec } from "./config.ts";
 * buildSpec({ gpus: "1", geometry: "1280x720" }).resources.gpus; // "1"
 * ```
 */
export function buildSpec(patch: SpecPatch, command?: string): JobSpec {
  const input = { resources: {} as SpecPatch, session: {} as SpecPatch, command };
  for (const [key, value] of Object.entries(patch)) {
    const field = FIELD_BY_KEY.get(key);
    if (!field) throw new SpecError(`unknown setting ${JSON.stringify(key)}`);
    input[field.group][key] = value;
  }
  const result = JobSpecSchema.safeParse(input);
  if (!result.success) throw new SpecError(describeIssues(result.error, input));
  return result.data;
}

/** Reads the `SELKIES_*` variables of the spec fields. */
function patchFromEnv(env: Record<string, string | undefined>): SpecPatch {
  const out: SpecPatch = {};
  for (const field of SPEC_FIELDS) {
    const raw = env[field.env];
    if (raw === undefined || raw === "") continue;
    out[field.key] = fromString(field, raw, field.env);
  }
  return out;
}

/** Converts one string (env var or flag) to the field's value shape. */
function fromString(field: SpecField, raw: string, where: string): unknown {
  switch (field.kind) {
    case "boolean":
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new SpecError(`${where}: ${field.key} must be true or false (got ${JSON.stringify(raw)})`);
    case "list":
      return raw.split(",").map((s) => s.trim()).filter(Boolean);
    case "record":
      return parseSbatchOptions(raw.split(/[\s,]+/).filter(Boolean));
    default:
      return raw;
  }
}

/** Checks a flat map of already-typed values (flags) for unknown keys. */
function patchFromValues(values: SpecPatch, where: string): SpecPatch {
  const out: SpecPatch = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (!FIELD_BY_KEY.has(key)) throw new SpecError(`${where}: unknown setting ${JSON.stringify(key)}`);
    out[key] = value;
  }
  return out;
}

/** Validates the keys of a config file's flat spec map, and coerces YAML scalars to strings. */
function patchFromFile(raw: unknown, file: string): SpecPatch {
  if (raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError("must be a mapping of settings (e.g. `partition: gpu`)", file);
  }
  const out: SpecPatch = {};
  for (const [key, value] of Object.entries(raw as SpecPatch)) {
    const field = FIELD_BY_KEY.get(key);
    if (!field) {
      throw new ConfigError(
        `unknown key ${JSON.stringify(key)} (known: ${SPEC_FIELDS.map((f) => f.key).join(", ")})`,
        file,
      );
    }
    out[key] = field.kind === "string" && typeof value === "number" ? String(value) : value;
  }
  return out;
}

function parseSite(raw: unknown, file: string): SiteConfig {
  const r = SiteConfigSchema.safeParse(raw ?? {});
  if (!r.success) throw new ConfigError(describeIssues(r.error, raw), file);
  return r.data;
}

/** Reads a YAML file; `undefined` when it does not exist. */
async function readYaml(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new ConfigError(`cannot read: ${(e as Error).message}`, path, { cause: e });
  }
  try {
    return parseYaml(text) ?? null;
  } catch (e) {
    const line = (e as Error).message.split("\n")[0];
    throw new ConfigError(`not valid YAML: ${line}`, path, { cause: e });
  }
}
