/**
 * The session's transfer folder from its settings (`transfer`, `transferDir`, `transferMaxBytes`, usually set
 * by the site's `defaults:`): `~` and `$VARIABLES` expanded from the job's environment (`$SCRATCH`,
 * `$SLURM_SUBMIT_DIR`), relative paths taken from the directory the streamer starts in, which is also the
 * default (the job's working directory: where `sbatch` was run, or its `--chdir`). A folder that cannot be
 * opened does not stop the session: transfer is then unavailable, and the panel says why.
 *
 * @module
 */
import type { TransferHello } from "../../protocol/transfer.ts";
import { getLog } from "../../log.ts";
import { TransferRoot } from "./root.ts";
import type { TransferSettings } from "./transfers.ts";

const log = getLog("transfer");

/** The session settings that shape file transfer. */
export interface TransferConfig {
  /** Whether viewers may transfer files at all. */
  transfer: boolean;
  /** The transfer folder. @default {the streamer's working directory} */
  transferDir?: string;
  /** Largest upload, in bytes. */
  transferMaxBytes: number;
}

/** What {@linkcode openTransfer} found: what viewers are told, and the settings when transfer works. */
export interface OpenedTransfer {
  hello: TransferHello;
  settings?: TransferSettings;
}

/**
 * Opens the transfer folder of a session; `undefined` when transfer is turned off. Never throws: a folder that
 * does not open makes transfer unavailable, with the reason in `hello.unavailable` and the log.
 *
 * @example
 * ```ts
 * import { openTransfer } from "./settings.ts";
 * const opened = await openTransfer({ transfer: true, transferDir: "~/", transferMaxBytes: 2 ** 30 });
 * opened?.settings?.root.path; // the real path of $HOME
 * ```
 */
export async function openTransfer(
  config: TransferConfig,
  env: Record<string, string | undefined> = Deno.env.toObject(),
  cwd: string = Deno.cwd(),
): Promise<OpenedTransfer | undefined> {
  if (!config.transfer) return undefined;
  const maxBytes = config.transferMaxBytes;
  try {
    const dir = expandPath(config.transferDir ?? cwd, env, cwd);
    const root = await TransferRoot.open(dir);
    log.info("file transfer into {dir}, uploads up to {maxBytes} bytes", { dir: root.path, maxBytes });
    return { hello: { maxBytes }, settings: { root, maxBytes } };
  } catch (error) {
    const unavailable = error instanceof Error ? error.message : String(error);
    log.warning("file transfer is unavailable: {unavailable}", { unavailable });
    return { hello: { maxBytes, unavailable } };
  }
}

/**
 * Expands a leading `~` and `$NAME` / `${NAME}` from `env`, and makes the path absolute against `cwd`; throws
 * when a variable is not set.
 *
 * @example
 * ```ts
 * import { expandPath } from "./settings.ts";
 * expandPath("$SCRATCH/in", { SCRATCH: "/scratch/ada" }, "/"); // "/scratch/ada/in"
 * expandPath("~", { HOME: "/home/ada" }, "/"); // "/home/ada"
 * expandPath("data", {}, "/home/ada"); // "/home/ada/data"
 * ```
 */
export function expandPath(path: string, env: Record<string, string | undefined>, cwd: string): string {
  const withHome = path === "~" || path.startsWith("~/") ? `$HOME${path.slice(1)}` : path;
  const expanded = withHome.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_, braced, plain) => {
    const name = braced ?? plain;
    const value = env[name];
    if (!value) throw new Error(`the transfer folder ${path} names $${name}, which is not set in the job`);
    return value;
  });
  return expanded.startsWith("/") ? expanded : `${cwd.replace(/\/$/, "")}/${expanded}`;
}
