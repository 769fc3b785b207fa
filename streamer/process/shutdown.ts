/**
 * Signal handling for the CLI edge: the first SIGTERM, SIGINT or SIGHUP runs the stop function once.
 *
 * @module
 */
import { getLog } from "../../log.ts";

const SIGNALS: Deno.Signal[] = ["SIGTERM", "SIGINT", "SIGHUP"];

/**
 * Runs `stop` once on the first SIGTERM, SIGINT or SIGHUP; returns a function that removes the handlers.
 * A second signal while stopping exits at once with code 130.
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
        getLog("process").error("second {signal} while stopping; exiting now", { signal });
        Deno.exit(130);
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
