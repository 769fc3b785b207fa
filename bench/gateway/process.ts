/**
 * A gateway in its own process (./_serve.ts), so its CPU time and RSS can be read from /proc and it can be
 * killed outright (`SIGKILL`) like a crashed service.
 *
 * @module
 */
import type { RunGatewayOptions } from "../../web/gateway/mod.ts";

/** A gateway process. */
export interface GatewayProcess {
  /** Its URL (`http://127.0.0.1:<port>/`). */
  url: string;
  /** Its process id. */
  pid: number;
  /** Stops it (SIGTERM; nothing when it is already gone) and waits for it to exit. */
  stop(): Promise<void>;
}

/** V8's flags as `./selkies-hpc gateway` runs the gateway (the launcher sets them): the young generation capped. */
export const GATEWAY_V8_FLAGS: readonly string[] = ["--max-semi-space-size=1"];

/**
 * Starts `runGateway(settings)` on a free port (or `settings.port`) in a child Deno process.
 *
 * @example
 * ```ts
 * import { startGatewayProcess } from "./process.ts";
 * const gw = await startGatewayProcess({ mode: "site", auth: { mode: "token" } });
 * Deno.kill(gw.pid, "SIGKILL");
 * await gw.stop();
 * ```
 */
export async function startGatewayProcess(
  settings: Omit<RunGatewayOptions, "signal">,
): Promise<GatewayProcess> {
  const v8Flags = ["--expose-gc", ...GATEWAY_V8_FLAGS].join(",");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `--v8-flags=${v8Flags}`, new URL("./_serve.ts", import.meta.url).pathname],
    env: { SELKIES_BENCH_GATEWAY: JSON.stringify(settings), SELKIES_LOG_LEVEL: "warning" },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the gateway process exited before listening");
    text += value;
  }
  reader.releaseLock();
  return {
    url: text.trim(),
    pid: child.pid,
    stop: async () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone (killed by the caller).
      }
      await child.stdout.cancel().catch(() => {});
      await child.status;
    },
  };
}
