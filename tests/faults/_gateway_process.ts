/**
 * `selkies-hpc gateway` as a process of its own (site mode, token sign-in, the test cluster's MUNGE and
 * SLURM) on a fixed port, so a test can kill it with SIGKILL and start it again where streamers and pages
 * look for it.
 *
 * @module
 */
import type { SlurmCluster } from "../harness/slurm.ts";
import { waitFor } from "../fixtures/async.ts";
import { freePort } from "../fixtures/net.ts";

const CLI = new URL("../../selkies-hpc", import.meta.url).pathname;

/** A gateway process that can be killed and started again on the same port. */
export interface GatewayProcess extends AsyncDisposable {
  /** The URL pages use (`http://127.0.0.1:<port>/`). */
  url: string;
  /** The port, on every address (`0.0.0.0`). */
  port: number;
  /** The running gateway's pid (0 while none runs). */
  readonly pid: number;
  /** SIGKILL, and waits until the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and waits until it answers `/healthz`. */
  start(): Promise<void>;
  /** Ends it (SIGTERM) and removes its config folder. */
  stop(): Promise<void>;
}

/**
 * Starts a site gateway process for `cluster` on a free port of every address, public URL on 127.0.0.1.
 *
 * @example
 * ```ts
 * import type { SlurmCluster } from "../harness/slurm.ts";
 * import { startGatewayProcess } from "./_gateway_process.ts";
 * declare const cluster: SlurmCluster;
 * await using gateway = await startGatewayProcess(cluster);
 * await gateway.kill();
 * await gateway.start();
 * ```
 */
export async function startGatewayProcess(cluster: SlurmCluster): Promise<GatewayProcess> {
  const dir = await Deno.makeTempDir({ prefix: "selkies-faults-gw-" });
  const config = `${dir}/gateway.yaml`;
  await Deno.writeTextFile(config, `auth: token\nmunge:\n  socket: ${cluster.mungeSocket}\n`, {
    mode: 0o600,
  });
  const port = freePort("0.0.0.0");
  const url = `http://127.0.0.1:${port}/`;
  let child: Deno.ChildProcess | undefined;
  const start = async () => {
    const args = ["gateway", "--config", config, "--listen", "0.0.0.0", "--port", String(port)]
      .concat(["--public-url", url, "--mode", "site"]);
    child = new Deno.Command(CLI, {
      args,
      env: { ...cluster.env, SELKIES_SITE_CONFIG: "/nonexistent" },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const exited = child.status.then(() => true);
    await waitFor("the gateway to answer", async () => {
      if (await Promise.race([exited, Promise.resolve(false)])) throw new Error("the gateway exited");
      return await fetch(`${url}healthz`).then((r) => r.text(), () => "") === "ok\n";
    }, { timeoutMs: 60_000, intervalMs: 100 });
  };
  const end = async (signal: Deno.Signal) => {
    if (!child) return;
    const ending = child;
    child = undefined;
    try {
      ending.kill(signal);
    } catch {
      // Already gone.
    }
    await ending.status;
  };
  const stop = async () => {
    await end("SIGTERM");
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    await start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    port,
    get pid() {
      return child?.pid ?? 0;
    },
    kill: () => end("SIGKILL"),
    start,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
