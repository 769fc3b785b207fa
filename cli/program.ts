/**
 * The whole command line: every command's parser combined, and the runner options (help with
 * examples, --version, shell completion). cli.ts runs it and maps errors to exit codes.
 *
 * @module
 */
import { or } from "@optique/core/constructs";
import { lineBreak, message, text } from "@optique/core/message";
import type { InferValue } from "@optique/core/parser";
import denoJson from "../deno.json" with { type: "json" };
import { cancelCommand } from "./cancel.ts";
import { demoCommand } from "./demo.ts";
import { doctorCommand } from "./doctor.ts";
import { gatewayCommand } from "./gateway.ts";
import { listCommand } from "./list.ts";
import { renderCommand } from "./render.ts";
import { statusCommand } from "./status.ts";
import { streamCommand } from "./stream.ts";
import { submitCommand } from "./submit.ts";

/** Every command, one of which matches. */
export const program = or(
  demoCommand,
  submitCommand,
  listCommand,
  statusCommand,
  cancelCommand,
  renderCommand,
  doctorCommand,
  streamCommand,
  gatewayCommand,
);

/** Parsed arguments of any command (discriminated by `cmd`). */
export type ProgramArgs = InferValue<typeof program>;

/** The version printed by `--version`. */
export const VERSION: string = denoJson.version;

const EXAMPLES = [
  "selkies-hpc demo",
  "selkies-hpc submit --partition gpu --gpus 1 --time 02:00:00 --geometry 2560x1440",
  "selkies-hpc render --partition debug --time 00:05:00 --gpus 1 > job.sh",
  "selkies-hpc list --json",
  "selkies-hpc status 1234",
  "selkies-hpc cancel 1234",
  "selkies-hpc doctor --json",
  "selkies-hpc gateway --config /etc/selkies-hpc/gateway.yaml",
  "selkies-hpc completion bash > ~/.local/share/bash-completion/completions/selkies-hpc",
];

/** Runner options: help, version, completion, examples. */
export const RUN_OPTIONS = {
  programName: "selkies-hpc",
  help: "both",
  version: VERSION,
  completion: "command",
  commandList: "top-level",
  aboveError: "none",
  usageLine: [{ type: "literal", value: "COMMAND" }, { type: "ellipsis" }],
  brief: message`GPU remote desktops in the browser, from SLURM allocations.`,
  examples: EXAMPLES.flatMap((e, i) => i ? [lineBreak(), text(e)] : [text(e)]),
  footer:
    message`Flags beat SELKIES_* environment variables, which beat ~/.config/selkies-hpc/config.yaml, which beats the site config (/etc/selkies-hpc/site.yaml or SELKIES_SITE_CONFIG). Exit codes: 0 ok, 1 usage or limit error, 2 system or scheduler error.`,
} as const;
