/**
 * The `selkies-hpc` command line (run it through `./selkies-hpc`). This is the one place where
 * errors become exit codes: 0 ok, 1 user error (bad flag, invalid value, site limit), 2 system or
 * scheduler error.
 *
 * @example
 * ```sh
 * ./selkies-hpc render --partition debug --time 00:05:00 --gpus 1
 * ```
 *
 * @module
 */
import { runAsync } from "@optique/run";
import { setupLogging } from "./log.ts";
import { runCancel } from "./cli/cancel.ts";
import { runDemo } from "./cli/demo.ts";
import { runDoctor } from "./cli/doctor.ts";
import { runGatewayCommand } from "./cli/gateway.ts";
import { runList } from "./cli/list.ts";
import { program, type ProgramArgs, RUN_OPTIONS } from "./cli/program.ts";
import { runRender } from "./cli/render.ts";
import { runStatus } from "./cli/status.ts";
import { runStreamCommand } from "./cli/stream.ts";
import { runSubmit } from "./cli/submit.ts";

/**
 * Runs one parsed command. Returns its exit code.
 *
 * @example
 * ```ts
 * import { dispatch } from "./cli.ts";
 * await dispatch({ cmd: "doctor", json: true });
 * ```
 */
export function dispatch(args: ProgramArgs, signal?: AbortSignal): Promise<number> {
  switch (args.cmd) {
    case "demo":
      return runDemo(args, signal);
    case "submit":
      return runSubmit(args, signal);
    case "list":
      return runList(args);
    case "status":
      return runStatus(args);
    case "cancel":
      return runCancel(args);
    case "render":
      return runRender(args);
    case "doctor":
      return runDoctor(args);
    case "stream":
      return runStreamCommand(args, signal);
    case "gateway":
      return runGatewayCommand(args, signal);
    default:
      throw new Error(`unhandled command ${(args as { cmd: string }).cmd}`);
  }
}

/**
 * Maps anything thrown to an exit code and a one-line message: errors carrying `exitCode` (ours,
 * and the scheduler's) keep theirs; anything else is an internal error (2).
 *
 * @example
 * ```ts
 * import { exitCodeOf } from "./cli.ts";
 * exitCodeOf(Object.assign(new Error("x"), { exitCode: 1 })); // 1
 * ```
 */
export function exitCodeOf(error: unknown): 1 | 2 {
  const code = (error as { exitCode?: unknown })?.exitCode;
  return code === 1 ? 1 : 2;
}

async function main(): Promise<number> {
  await setupLogging();
  const args = await runAsync(program, RUN_OPTIONS);
  const controller = new AbortController();
  // The first Ctrl-C / TERM stops waiting (submit, demo) or the stream cleanly; the job itself stays.
  const stop = () => controller.abort(new Error("interrupted"));
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  try {
    return await dispatch(args, controller.signal);
  } catch (error) {
    if (controller.signal.aborted) return 130;
    const known = typeof (error as { exitCode?: unknown })?.exitCode === "number";
    const text = error instanceof Error ? error.message : String(error);
    console.error(`selkies-hpc: ${known ? "" : "internal error: "}${text}`);
    if (!known && error instanceof Error && error.stack) console.error(error.stack);
    return exitCodeOf(error);
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
  }
}

if (import.meta.main) Deno.exit(await main());
