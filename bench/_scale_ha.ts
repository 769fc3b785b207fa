/**
 * Two gateways behind nginx (consistent hashing on the session id, tests/fixtures/nginx_gateways.ts),
 * synthetic sessions registered through nginx against a real SLURM job, and echo viewers: what the
 * failover test (tests/gateway_ha_test.ts) asserts and the scale benchmark (bench/scale.ts) times.
 *
 * @module
 */
import { userInfo } from "node:os";
import { startNginx } from "../tests/fixtures/nginx.ts";
import { freePorts } from "../tests/fixtures/net.ts";
import { openSocket, submitSleepJob } from "../tests/harness/gateway.ts";
import type { SlurmCluster } from "../tests/harness/slurm.ts";
import { type BenchJob, registerTunnel } from "./gateway/_peers.ts";
import { type GatewayProcess, startGatewayProcess } from "./gateway/process.ts";

/** Two gateway processes and the nginx in front of them. */
export interface GatewayPair extends AsyncDisposable {
  /** nginx's URL: every gateway's public URL. */
  url: string;
  /** The two gateway processes. */
  gateways: GatewayProcess[];
  /** Their own URLs (bypassing nginx), in the order of `gateways`. */
  directUrls: string[];
  /** Starts gateway `index` again on its port (after it was killed); `gateways[index]` is the new process. */
  restart(index: number): Promise<void>;
  /** Stops nginx and both gateways. */
  stop(): Promise<void>;
}

/**
 * Starts two site gateways (real MUNGE and SLURM checks) and nginx hashing sessions over them.
 *
 * @example
 * ```ts
 * import { startGatewayPair } from "./_scale_ha.ts";
 * import { startSlurmCluster } from "../tests/harness/slurm.ts";
 * await using cluster = await startSlurmCluster();
 * await using pair = await startGatewayPair(cluster);
 * ```
 */
export async function startGatewayPair(cluster: SlurmCluster): Promise<GatewayPair> {
  const [nginxPort, ...ports] = freePorts(3);
  const url = `http://127.0.0.1:${nginxPort}/`;
  const start = (port: number) =>
    startGatewayProcess({
      mode: "site",
      auth: { mode: "token" },
      port,
      publicUrl: url,
      mungeSocket: cluster.mungeSocket,
      slurmEnv: cluster.env,
    });
  const gateways = await Promise.all(ports.map(start));
  const stopGateways = () => Promise.all(gateways.map((g) => g.stop())).then(() => {});
  let nginx;
  try {
    nginx = await startNginx({ port: nginxPort, gateways: ports.map((p) => `127.0.0.1:${p}`) });
  } catch (error) {
    await stopGateways();
    throw error;
  }
  const stop = async () => {
    await nginx.stop();
    await stopGateways();
  };
  const directUrls = ports.map((p) => `http://127.0.0.1:${p}/`);
  const restart = async (index: number) => {
    await gateways[index].stop();
    gateways[index] = await start(ports[index]);
  };
  return { url, gateways, directUrls, restart, stop, [Symbol.asyncDispose]: stop };
}

/** One synthetic session: an echoing streamer registered through nginx. */
export interface EchoSession {
  /** Session id. */
  id: string;
  /** The owner's secret. */
  token: string;
  /** Session page URL (on nginx). */
  sessionUrl: string;
  /** `performance.now()` of every registration, the first included. */
  registeredAt: number[];
  /** Closes the tunnel. */
  close(): void;
}

/**
 * Submits a sleep job on `cluster` and returns what registrations for it need, with `gatewayUrl`.
 *
 * @example
 * ```ts
 * import { benchJob } from "./_scale_ha.ts";
 * import { startSlurmCluster } from "../tests/harness/slurm.ts";
 * await using cluster = await startSlurmCluster();
 * const job = await benchJob(cluster, "http://127.0.0.1:8080/");
 * ```
 */
export async function benchJob(cluster: SlurmCluster, gatewayUrl: string): Promise<BenchJob> {
  return {
    gatewayUrl,
    jobId: await submitSleepJob(cluster),
    node: cluster.nodeName,
    user: userInfo().username,
    mungeSocket: cluster.mungeSocket,
  };
}

/**
 * Registers `count` echoing sessions for `job` (20 at a time), each recording when it (re-)registered.
 *
 * @example
 * ```ts
 * import { type BenchJob } from "./gateway/_peers.ts";
 * import { registerEchoSessions } from "./_scale_ha.ts";
 * declare const job: BenchJob;
 * const sessions = await registerEchoSessions(job, 20);
 * ```
 */
export async function registerEchoSessions(job: BenchJob, count: number): Promise<EchoSession[]> {
  const sessions: EchoSession[] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = Array.from({ length: Math.min(20, count - i) }, async () => {
      const registeredAt: number[] = [];
      const { tunnel, sessionUrl, token } = await registerTunnel(job, (viewer) => {
        viewer.onMessage((data) => viewer.send(data));
      }, { onRegistered: () => registeredAt.push(performance.now()) });
      const id = new URL(sessionUrl).pathname.split("/")[2];
      return { id, token, sessionUrl, registeredAt, close: () => tunnel.close() };
    });
    sessions.push(...await Promise.all(batch));
  }
  return sessions;
}

/**
 * Which of `directUrls` holds the session now (its page answers there), or -1.
 *
 * @example
 * ```ts
 * import { type EchoSession, holderOf } from "./_scale_ha.ts";
 * declare const session: EchoSession;
 * const index = await holderOf(session, ["http://127.0.0.1:9001/", "http://127.0.0.1:9002/"]);
 * ```
 */
export async function holderOf(session: EchoSession, directUrls: string[]): Promise<number> {
  for (const [i, base] of directUrls.entries()) {
    const res = await fetch(`${base}s/${session.id}/?token=${session.token}`, { redirect: "manual" })
      .catch(() => undefined); // a killed gateway refuses the connection
    await res?.body?.cancel();
    if (res && res.status < 400) return i;
  }
  return -1;
}

/**
 * Signs in with the session's token through `session.sessionUrl` (nginx) and gets one message echoed
 * over the viewer WebSocket; resolves true when the echo came back.
 *
 * @example
 * ```ts
 * import { type EchoSession, viewerEcho } from "./_scale_ha.ts";
 * declare const session: EchoSession;
 * const reached = await viewerEcho(session);
 * ```
 */
export async function viewerEcho(session: EchoSession): Promise<boolean> {
  const login = await fetch(`${session.sessionUrl}?token=${session.token}`, { redirect: "manual" });
  await login.body?.cancel();
  const cookie = login.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) return false;
  const socket = openSocket(`${session.sessionUrl.replace(/^http/, "ws")}ws`, {
    origin: new URL(session.sessionUrl).origin,
    cookie,
  });
  try {
    await socket.opened;
    const probe = `echo ${session.id}`;
    socket.ws.send(probe);
    // The viewer may first get other messages; the echo is what proves the path.
    for (let i = 0; i < 10; i++) if (await socket.next(10_000) === probe) return true;
    return false;
  } catch {
    return false;
  } finally {
    socket.ws.close();
  }
}
