// The configuration parsers' fuzz target (issue 14, target 5; run by config_fuzz_test.ts): the site and user config files and the spec they
// resolve to (jobs/config.ts resolveSpec, buildSpec), the job spec (jobs/spec.ts parseJobSpec) and the
// gateway config (web/gateway/config.ts loadGatewayConfig, parseGatewayConfig, gatewayOptionsFrom), with
// random YAML and JSON documents: schema samples mutated, odd scalars, anchors, tags, deep nesting. Each may
// only fail with its documented error (SelkiesError subclasses: ConfigError, SpecError, LimitError,
// GatewayConfigError; parseJobSpec's ZodError), never with a TypeError or a hang. Two documents in three
// are values (what a YAML parser returns), the rest YAML/JSON text (the yaml library's own whole output
// only where it goes through the file readers); one text in 16 goes through the file readers.
// The YAML library's warnings (unresolved tags, old directives) are silenced while it runs: printing
// thousands of them is most of the time otherwise.
import process from "node:process";
import { stringify } from "yaml";
import { ZodError } from "zod";
import { buildSpec, resolveSpec, SiteConfigSchema } from "../../jobs/config.ts";
import { parseJobSpec } from "../../jobs/spec.ts";
import { SelkiesError } from "../../errors.ts";
import {
  GatewayConfigSchema,
  gatewayOptionsFrom,
  loadGatewayConfig,
  parseGatewayConfig,
} from "../../web/gateway/config.ts";
import { oddNumber, oddString, type Rng } from "./_gen.ts";
import { deeplyNested, mutateObject, randomJson } from "./_json.ts";
import { sampleOf } from "./_schema.ts";
import type { FuzzSetup } from "./_shards.ts";
import { parse as parseYaml } from "yaml";
import { JobSpecSchema } from "../../jobs/spec.ts";
import { SPEC_FIELDS } from "../../jobs/_fields.ts";

/** YAML texts YAML parsers have choked on: aliases, tags, odd scalars, tabs, several documents. */
// (The yaml library takes ~20 ms on a flow collection 1000 deep: nesting is rare here.)
const ODD_YAML = [
  "a: &a [1, 2]\nb: [*a, *a, *a]\nc: [*b, *b]",
  "x: !!js/function 'f(){}'",
  "x: !!binary AAAA",
  "? [a, b]\n: c",
  "partition: 0x10",
  "time: 1e3",
  "gpus: yes",
  "fps: .inf",
  "fps: .nan",
  "geometry: ~",
  "---\na: 1\n---\nb: 2",
  "\ta: 1",
  "a:\n  - b\n - c",
  "'unterminated",
  "[1, 2",
  "{a: 1, a: 2}",
  "!!set {a, b}",
  "<<: {partition: gpu}",
  "limits:\n  maxTime: -1",
  "defaults: [1]",
  "gateway: 'javascript:alert(1)'",
  "auth: {}",
  "listen: {port: 0}",
  "%YAML 9.9\n---\na: 1",
  "a: 'b'c",
  "&x a: *x",
  "a: *undefined",
];

/**
 * A hostile document: a value handed to the parse functions as it is (what a YAML or JSON parser returns),
 * or, one time in three, YAML/JSON text (most cut to 4 KiB: the yaml library takes ~0.1 ms per KiB); one
 * text in 16 goes through the file readers.
 */
function document(
  rng: Rng,
  sample: () => unknown,
  keys: string[],
): { text?: string; value?: unknown; viaFile: boolean } {
  const value = rng.chance(0.6)
    ? mutateObject(rng, sample() as Record<string, unknown>)
    : rng.chance(0.5)
    ? Object.fromEntries(
      keys.filter(() => rng.chance(0.3)).map((
        k,
      ) => [k, rng.chance(0.5) ? oddString(rng) : randomJson(rng, 2)]),
    )
    : randomJson(rng, 2);
  if (rng.chance(2 / 3)) return { value, viaFile: false };
  const viaFile = rng.chance(1 / 16);
  const text = documentText(rng, value, viaFile);
  if (text === undefined) return { value, viaFile };
  return { text: text.length > 4096 && !rng.chance(0.05) ? text.slice(0, 4096) : text, viaFile };
}

/** The text of `value`, or undefined where parsing it would only give `value` back. */
function documentText(rng: Rng, value: unknown, viaFile: boolean): string | undefined {
  switch (rng.int(6)) {
    case 0:
      return JSON.stringify(value) ?? "null";
    case 1:
      return rng.pick(ODD_YAML);
    case 2:
      return rng.chance(0.05)
        ? deeplyNested(rng, rng.pick([10, 100, 1000]))
        : `${rng.pick(ODD_YAML)}\n${oddString(rng)}`;
    default: {
      // The yaml library's own output, whole, parses back to `value`: a third of the target's time went to
      // that round trip, which tests the library, not our parsers. Whole texts still go through the file
      // readers; a cut one is new input.
      const cut = rng.chance(0.2);
      if (!cut && !viaFile) return undefined;
      const text = stringify(value ?? null);
      return cut ? text.slice(0, rng.int(text.length + 1)) : text;
    }
  }
}

/** One generated document and the parser it goes to. */
export interface ConfigInput {
  target: "site" | "user" | "spec" | "patch" | "gateway";
  text?: string;
  value?: unknown;
  viaFile: boolean;
}

/** Only a documented error, or none. */
function documented(error: unknown, zod = false): void {
  if (error instanceof SelkiesError || (zod && error instanceof ZodError)) return;
  throw error;
}

/**
 * The target: 100 000 documents for the five parsers, with a temp folder for the file readers and the yaml
 * library's warnings silenced until `dispose`.
 *
 * @example
 * ```ts
 * import { configTarget } from "./_config_target.ts";
 * import { runFuzz } from "./_run.ts";
 * const { target, dispose } = await configTarget();
 * try { await runFuzz(target); } finally { await dispose(); }
 * ```
 */
export async function configTarget(): Promise<FuzzSetup<ConfigInput> & { dispose(): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "selkies-fuzz-config-" });
  const site = `${dir}/site.yaml`, user = `${dir}/user.yaml`, gateway = `${dir}/gateway.yaml`;
  const specKeys = SPEC_FIELDS.map((f) => f.key);
  const siteKeys = Object.keys(SiteConfigSchema.shape);
  const gatewayKeys = Object.keys(GatewayConfigSchema.shape);
  const emitWarning = process.emitWarning;
  process.emitWarning = () => {};
  return {
    target: {
      name: "config parsers",
      count: 100_000,
      make: (rng) => {
        const target = rng.pick(["site", "user", "spec", "patch", "gateway"] as const);
        const doc = target === "gateway"
          ? document(rng, () => sampleOf(GatewayConfigSchema, rng), gatewayKeys)
          : target === "site"
          ? document(rng, () => sampleOf(SiteConfigSchema, rng), siteKeys)
          : target === "spec"
          ? document(rng, () => sampleOf(JobSpecSchema, rng), ["resources", "session", "command"])
          : document(
            rng,
            () =>
              Object.fromEntries(specKeys.map((k) => [k, rng.chance(0.5) ? oddNumber(rng) : oddString(rng)])),
            specKeys,
          );
        return { target, ...doc, viaFile: doc.text !== undefined && doc.viaFile };
      },
      async run({ target, text = "", value, viaFile }: ConfigInput) {
        if (!viaFile && value === undefined) {
          try {
            value = parseYaml(text);
          } catch {
            return; // the readers turn a YAML error into their own: they get it through the file path
          }
        }
        try {
          if (target === "gateway") {
            if (viaFile) await Deno.writeTextFile(gateway, text);
            const config = viaFile ? await loadGatewayConfig(gateway) : parseGatewayConfig(value ?? {});
            await gatewayOptionsFrom(config);
          } else if (target === "site" || target === "user") {
            if (viaFile) {
              await Deno.writeTextFile(target === "site" ? site : user, text);
              await resolveSpec({
                env: {},
                siteConfigPath: target === "site" ? site : "/nonexistent",
                userConfigPath: target === "user" ? user : "/nonexistent",
              });
            } else if (target === "site") {
              SiteConfigSchema.safeParse(value);
            } else {
              buildSpec(
                value && typeof value === "object" && !Array.isArray(value)
                  ? value as Record<string, unknown>
                  : {},
              );
            }
          } else if (target === "spec") {
            parseJobSpec(value);
          } else {
            buildSpec(
              value && typeof value === "object" && !Array.isArray(value)
                ? value as Record<string, unknown>
                : { x: value },
            );
          }
        } catch (error) {
          documented(error, target === "spec");
        }
      },
    },
    dispose: async () => {
      process.emitWarning = emitWarning;
      await Deno.remove(dir, { recursive: true });
    },
  };
}
