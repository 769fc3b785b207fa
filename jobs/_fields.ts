/**
 * The flat list of job spec fields (resources + session), read from the zod schemas so that CLI
 * flags, environment variables and config-file keys are all derived from one place.
 *
 * @module
 */
import { z } from "zod";
import { ResourcesSchema } from "./resources.ts";
import { SessionSettingsSchema } from "./session.ts";

/** How a field's value is written on a command line or in an environment variable. */
export type FieldKind = "string" | "number" | "boolean" | "enum" | "list" | "record";

/** One job spec field as the CLI, env and config files see it. */
export interface SpecField {
  /** Key in the spec group, e.g. `cpusPerTask`. */
  key: string;
  /** Which half of the spec it belongs to. */
  group: "resources" | "session";
  /** Value shape. */
  kind: FieldKind;
  /** Allowed values of an enum field. */
  choices?: readonly string[];
  /** One-line help text. */
  description: string;
  /** Default value, if the schema has one. */
  defaultValue?: unknown;
  /** CLI flag, e.g. `--cpus-per-task`. */
  flag: `--${string}`;
  /** Environment variable, e.g. `SELKIES_CPUS_PER_TASK`. */
  env: string;
}

function describe(key: string, group: SpecField["group"], schema: z.ZodType): SpecField {
  let inner: z.ZodType = schema;
  let defaultValue: unknown;
  for (;;) {
    if (inner instanceof z.ZodDefault) {
      defaultValue = inner.def.defaultValue;
      inner = inner.def.innerType as z.ZodType;
    } else if (inner instanceof z.ZodOptional) inner = inner.def.innerType as z.ZodType;
    else break;
  }
  const kind: FieldKind = inner instanceof z.ZodBoolean
    ? "boolean"
    : inner instanceof z.ZodNumber
    ? "number"
    : inner instanceof z.ZodEnum
    ? "enum"
    : inner instanceof z.ZodArray
    ? "list"
    : inner instanceof z.ZodRecord
    ? "record"
    : "string";
  const snake = key.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
  return {
    key,
    group,
    kind,
    choices: inner instanceof z.ZodEnum ? (inner.options as string[]) : undefined,
    description: schema.description ?? key,
    defaultValue,
    flag: `--${snake.replaceAll("_", "-")}`,
    env: `SELKIES_${snake.toUpperCase()}`,
  };
}

/** Every spec field, resources first, in schema order. */
export const SPEC_FIELDS: readonly SpecField[] = [
  ...Object.entries(ResourcesSchema.shape).map(([k, s]) => describe(k, "resources", s as z.ZodType)),
  ...Object.entries(SessionSettingsSchema.shape).map(([k, s]) => describe(k, "session", s as z.ZodType)),
];

/** Spec fields by key. */
export const FIELD_BY_KEY: ReadonlyMap<string, SpecField> = new Map(SPEC_FIELDS.map((f) => [f.key, f]));
