/**
 * Renders a job spec into a readable sbatch script: `#SBATCH` lines (USR1 before the walltime ends),
 * the streamer environment, and the command, run by the checkout's `sbatch/supervise.sh`, which passes
 * USR1 and TERM on to it (the same as `sbatch/selkies.sh` does). The session secret is never written
 * into the script: it stays in `<session dir>/token`.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { sbatchLine, shellQuote } from "./_quote.ts";
import { type Resources, timeSeconds } from "./resources.ts";
import type { SessionSettings } from "./session.ts";
import { type JobSpec, parseJobSpec } from "./spec.ts";
import { FIELD_BY_KEY } from "./_fields.ts";

/** Options for {@linkcode renderSbatch}. */
export interface RenderOptions {
  /** Absolute path of the selkies-hpc checkout the job runs. @default {the checkout holding this file} */
  repoRoot?: string;
  /**
   * Session folder (holds `token`, `ready.json`, the job log). When absent the script picks
   * `$HOME/.local/share/selkies-hpc/sessions/slurm-$SLURM_JOB_ID` at run time.
   */
  sessionDir?: string;
  /** Address the streamer binds. @default {"0.0.0.0" without a gateway, "127.0.0.1" with one} */
  bind?: string;
}

/**
 * Seconds before the walltime at which SLURM sends USR1: 300, or a quarter of a short job.
 *
 * @example
 * ```ts
 * import { warningSeconds } from "./render.ts";
 * warningSeconds(300); // 75
 * ```
 */
export function warningSeconds(walltimeSeconds: number): number {
  if (!Number.isFinite(walltimeSeconds)) return 300;
  return Math.max(1, Math.min(300, Math.floor(walltimeSeconds / 4)));
}

/**
 * The CLI flags of the session settings, e.g. `["--geometry", "1920x1080", "--no-audio"]`.
 *
 * @example
 * ```ts
 * import { sessionFlags } from "./render.ts";
 * import { SessionSettingsSchema } from "./session.ts";
 * sessionFlags(SessionSettingsSchema.parse({ fps: 30 })).slice(0, 4); // ["--geometry", "1920x1080", "--fps", "30"]
 * ```
 */
export function sessionFlags(session: SessionSettings): string[] {
  const args: string[] = [];
  for (const [key, value] of Object.entries(session)) {
    const field = FIELD_BY_KEY.get(key);
    if (!field || value === undefined) continue;
    if (typeof value === "boolean") args.push(value ? field.flag : `--no-${field.flag.slice(2)}`);
    else if (Array.isArray(value)) { for (const v of value) args.push(field.flag, String(v)); }
    else args.push(field.flag, String(value));
  }
  return args;
}

/**
 * Renders the sbatch script for a job spec (validated again here, so a hand-built spec cannot
 * smuggle anything in).
 *
 * @example
 * ```ts
 * import { renderSbatch } from "./render.ts";
 * import { parseJobSpec } from "./spec.ts";
 * const script = renderSbatch(parseJobSpec({ resources: { partition: "gpu" } }), { repoRoot: "/opt/selkies-hpc" });
 * script.startsWith("#!/bin/bash\n"); // true
 * ```
 */
export function renderSbatch(spec: JobSpec, options: RenderOptions = {}): string {
  const checked = parseJobSpec(spec);
  const repoRoot = options.repoRoot ?? fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
  const walltime = timeSeconds(checked.resources);
  const warn = warningSeconds(walltime);
  const dir = options.sessionDir;
  const bind = options.bind ?? (checked.session.gateway ? "127.0.0.1" : "0.0.0.0");
  const lines = [
    "#!/bin/bash",
    "# selkies-hpc session job (rendered by `selkies-hpc render`; submit with sbatch).",
    ...sbatchLines(checked.resources, dir, warn),
    "",
    "set -euo pipefail",
    "",
    "# Streamer environment. The session secret is not here: it is read from $SELKIES_SESSION_DIR/token.",
    `export SELKIES_HPC_HOME=${shellQuote(repoRoot)}`,
    dir
      ? `export SELKIES_SESSION_DIR=${shellQuote(dir)}`
      : 'export SELKIES_SESSION_DIR="${SELKIES_SESSION_DIR:-$HOME/.local/share/selkies-hpc/sessions/slurm-${SLURM_JOB_ID:-$$}}"',
    'export SELKIES_READY_FILE="$SELKIES_SESSION_DIR/ready.json"',
    `export SELKIES_WALLTIME_WARNING_SECONDS=${warn}`,
    'mkdir -p -m 700 "$SELKIES_SESSION_DIR"',
    "",
    ...supervise(repoRoot, commandLine(checked, repoRoot, bind)),
  ];
  return lines.join("\n") + "\n";
}

function sbatchLines(r: Resources, dir: string | undefined, warn: number): string[] {
  const opts: [string, string | number | true | undefined][] = [
    ["job-name", r.jobName],
    ["comment", "selkies-hpc"],
    ["partition", r.partition],
    ["account", r.account],
    ["qos", r.qos],
    ["reservation", r.reservation],
    ["time", r.time],
    ["nodes", r.nodes],
    ["ntasks", 1],
    ["cpus-per-task", r.cpusPerTask],
    ["mem", r.mem],
    ["gpus", r.gpus],
    ["gres", r.gres],
    ["constraint", r.constraint],
    ["output", r.output ?? defaultOutput(dir)],
    ["error", r.error],
    ["signal", `B:USR1@${warn}`],
    ...Object.entries(r.sbatchOptions),
  ];
  return opts.filter(([, v]) => v !== undefined).map(([k, v]) => sbatchLine(k, v!));
}

/** `<session dir>/job.log` when that path can go on an #SBATCH line; SLURM's default otherwise. */
function defaultOutput(dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  const path = `${dir}/job.log`;
  try {
    sbatchLine("output", path);
    return path;
  } catch {
    return undefined;
  }
}

/** The job's main command as one shell line, every value single-quoted. */
function commandLine(spec: JobSpec, repoRoot: string, bind: string): string {
  if (spec.command !== undefined) return `bash -c ${shellQuote(spec.command)} selkies-job`;
  const args = [
    "stream",
    ...sessionFlags(spec.session),
    "--bind",
    bind,
  ].map(shellQuote);
  return [
    shellQuote(`${repoRoot}/selkies-hpc`),
    ...args.slice(0, 1),
    '--session-dir "$SELKIES_SESSION_DIR" --ready-file "$SELKIES_READY_FILE"',
    ...args.slice(1),
  ].join(" ");
}

/**
 * Hands the batch shell to the checkout's `sbatch/supervise.sh` (the one home of the signal rule, shared with
 * `sbatch/selkies.sh`), which runs the command and passes SLURM's USR1 and TERM on to it.
 */
function supervise(repoRoot: string, command: string): string[] {
  return [
    "# SLURM sends USR1 to this shell before the walltime (--signal=B:USR1@...) and TERM when the job ends:",
    "# supervise.sh becomes this shell, passes them on to the command and waits for it.",
    `exec ${shellQuote(`${repoRoot}/sbatch/supervise.sh`)} ${command}`,
  ];
}
