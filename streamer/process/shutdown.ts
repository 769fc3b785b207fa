/**
 * Signal handling for the CLI edge: the first SIGTERM, SIGINT or SIGHUP runs the stop function once.
 * Later signals do not cut it short: under SLURM one TERM comes from slurmstepd and another, a few ms
 * apart, from the job script passing its own on, and exiting at the second one skipped the cleanup
 * (the runtime folder with the cookies, the ready file with the secret, orphaned daemons). The stop is
 * bounded by its own timeouts, and SLURM sends SIGKILL after KillWait anyway.
 *
 * @module
 */
import { getLog } from "../../log.ts";

const SIGNALS: Deno.Signal[] = ["SIGTERM", "SIGINT", "SIGHUP"];

/**
 * Runs `stop` once on the first SIGTERM, SIGINT or SIGHUP; returns a function that removes the handlers.
 * Signals that come while it runs are logged and otherwise ignored.
 *
 * @example
 * ```ts
 * import { installShutdownHandlers } from "./shutdown.ts";
 * import { ProcessGroup } from "./group.ts";
 * const group = new ProcessGroup();
 * const uninstall = installShutdownHandlers(() => group.stop());
 * uninstall();
 * ```
 */
export function installShutdownHandlers(stop: (signal: Deno.Signal) => Promise<void> | void): () => void {
  let stopping = false;
  const handlers = SIGNALS.map((signal) => {
    const handler = () => {
      if (stopping) {
        getLog("process").info("{signal} received while stopping; the stop goes on", { signal });
        return;
      }
      stopping = true;
      getLog("process").info("{signal} received; stopping", { signal });
      Promise.resolve()
        .then(() => stop(signal))
        .catch((error) => getLog("process").error("stop failed: {error}", { error: String(error) }));
    };
    Deno.addSignalListener(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  };
}
