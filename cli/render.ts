/**
 * `selkies-hpc render`: prints the sbatch script a submit would send (or the spec, with --json).
 *
 * @module
 */
import { merge, object } from "@optique/core/constructs";
import { message } from "@optique/core/message";
import { optional } from "@optique/core/modifiers";
import { command, constant, option } from "@optique/core/primitives";
import type { InferValue } from "@optique/core/parser";
import { string } from "@optique/core/valueparser";
import { renderSbatch } from "../jobs/render.ts";
import { jsonFlag, outJson } from "./_output.ts";
import { resourcesOptions, sessionOptions, specFromArgs } from "./_spec_options.ts";

/**
 * Options `render` and `submit` share: `--command` plus every spec field.
 *
 * @example
 * ```ts
 * import { jobOptions } from "./render.ts";
 * const parser = jobOptions();
 * ```
 */
export function jobOptions() {
  return merge(
    object({
      command: optional(option("--command", string({ metavar: "CMD" }), {
        description: message`run this shell command in the allocation instead of the streamer`,
      })),
    }),
    resourcesOptions(),
    sessionOptions(),
  );
}

/** The `render` command's parser. */
export const renderCommand = command(
  "render",
  merge(
    object({
      cmd: constant("render" as const),
      json: jsonFlag(),
      sessionDir: optional(option("--session-dir", string({ metavar: "DIR" }), {
        description: message`session folder to render for (default: chosen by the job at run time)`,
      })),
    }),
    jobOptions(),
  ),
  {
    brief: message`print the sbatch script for a session`,
    description:
      message`Print the sbatch script that submit would send, after merging flags, SELKIES_* env, the user and site config files, and checking the site limits.`,
  },
);

/** Parsed `render` arguments. */
export type RenderArgs = InferValue<typeof renderCommand>;

/**
 * Runs `render`: prints the script (or `{spec, script}` as JSON). Returns the exit code.
 *
 * @example
 * ```ts
 * import { runRender } from "./render.ts";
 * await runRender({ cmd: "render", json: false, partition: "gpu" } as never);
 * ```
 */
export async function runRender(args: RenderArgs): Promise<number> {
  const { spec, files } = await specFromArgs(args, { command: args.command });
  const script = renderSbatch(spec, { sessionDir: args.sessionDir });
  if (args.json) outJson({ spec, configFiles: files, script });
  else Deno.stdout.writeSync(new TextEncoder().encode(script));
  return 0;
}
