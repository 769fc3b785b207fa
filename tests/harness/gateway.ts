/**
 * Test helpers for the gateway: a site gateway on the test cluster, sleep jobs, a real session streamed
 * through the gateway for such a job, a viewer WebSocket with browser headers, and a session secret with its
 * hash.
 *
 * @module
 */
import { localAllocation } from "../../jobs/allocation.ts";
import { type SessionKeys, sessionKeys } from "../../protocol/session_id.ts";
import { newSecret } from "../../secrets.ts";
import { runGateway, type RunGatewayOptions, type RunningGateway } from "../../web/gateway/mod.ts";
import { type SlurmCluster, startSlurmCluster } from "./slurm.ts";
import { delay } from "../fixtures/async.ts";
import { startStream, type StartStreamOptions, type TestStream } from "../fixtures/stream.ts";

/**
 * Starts a site gateway (one service relays every user's sessions) with token sign-in on a free port of
 * 127.0.0.1, checking registrations against the cluster's MUNGE and SLURM; `options` add to these or
 * replace them.
 *
 * @example
 * ```ts
 * import { startSiteGateway } from "./gateway.ts";
 * import { startSlurmCluster } from "./slurm.ts";
 * await using cluster = await startSlurmCluster();
 * const gw = await startSiteGateway(cluster, { pingMs: 500 });
 * await gw.stop();
 * ```
 */
export function startSiteGateway(
  cluster: SlurmCluster,
  options: Partial<RunGatewayOptions> = {},
): Promise<RunningGateway> {
  return runGateway({
    mode: "site",
    auth: { mode: "token" },
    port: 0,
    mungeSocket: cluster.mungeSocket,
    slurmEnv: cluster.env,
    ...options,
  });
}

/**
 * The node a streamer started outside a job step registers with: this host's, as it names itself without
 * `SLURMD_NODENAME` (jobs/allocation.ts). A test cluster whose sessions come from
 * {@linkcode streamThroughGateway} names its node so, or the gateway refuses them.
 *
 * @example
 * ```ts
 * import { streamerNodeName } from "./gateway.ts";
 * import { startSlurmCluster } from "./slurm.ts";
 * await using cluster = await startSlurmCluster({ nodeName: streamerNodeName() });
 * ```
 */
export function streamerNodeName(): string {
  return localAllocation().nodeName;
}

/** A test cluster whose node is this host, and a site gateway in front of it. */
export interface GatewaySite extends AsyncDisposable {
  cluster: SlurmCluster;
  gateway: RunningGateway;
  /** Stops the gateway, then the cluster. */
  stop(): Promise<void>;
}

/**
 * Starts a SLURM cluster named for {@linkcode streamThroughGateway}'s sessions and a site gateway for it.
 *
 * @example
 * ```ts
 * import { startGatewaySite, streamThroughGateway } from "./gateway.ts";
 * await using site = await startGatewaySite();
 * const stream = await streamThroughGateway(site.cluster, site.gateway.url);
 * await stream.stop();
 * ```
 */
export async function startGatewaySite(): Promise<GatewaySite> {
  const cluster = await startSlurmCluster({ nodeName: streamerNodeName() });
  try {
    const gateway = await startSiteGateway(cluster);
    const stop = async () => {
      await gateway.stop();
      await cluster.stop();
    };
    return { cluster, gateway, stop, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** A ready session registered at a gateway, and the job it runs for. */
export interface GatewayStream extends TestStream {
  /** The SLURM job id the session registered with. */
  jobId: string;
}

/**
 * Submits a sleep job and runs `selkies-hpc stream --gateway <gatewayUrl>` for it as that job's streamer
 * (`SLURM_JOB_ID`, the cluster's MUNGE socket, no site config), until it is ready (90 s at most); `options`
 * are {@linkcode startStream}'s, with more environment where given. The cluster's node must be
 * {@linkcode streamerNodeName}. `stop()` ends the stream; the job runs until the cluster stops.
 *
 * @example
 * ```ts
 * import { startSiteGateway, streamerNodeName, streamThroughGateway } from "./gateway.ts";
 * import { startSlurmCluster } from "./slurm.ts";
 * await using cluster = await startSlurmCluster({ nodeName: streamerNodeName() });
 * const gw = await startSiteGateway(cluster);
 * const stream = await streamThroughGateway(cluster, gw.url, { geometry: "640x360" });
 * console.log(stream.url); // <gw.url>s/<session id>/?token=...
 * await stream.stop();
 * await gw.stop();
 * ```
 */
export async function streamThroughGateway(
  cluster: SlurmCluster,
  gatewayUrl: string,
  options: StartStreamOptions = {},
): Promise<GatewayStream> {
  const jobId = await submitSleepJob(cluster);
  const stream = await startStream({
    readyTimeoutMs: 90_000,
    ...options,
    args: ["--gateway", gatewayUrl, ...(options.args ?? [])],
    env: {
      SLURM_JOB_ID: jobId,
      SELKIES_MUNGE_SOCKET: cluster.mungeSocket,
      SELKIES_SITE_CONFIG: "/nonexistent",
      ...options.env,
    },
  });
  return { ...stream, jobId };
}

/**
 * Submits a `sleep` job tagged `--comment=selkies-hpc` (as `asUser` when given) and waits until it runs.
 *
 * @example
 * ```ts
 * import { submitSleepJob } from "./gateway.ts";
 * import { startSlurmCluster } from "./slurm.ts";
 * await using cluster = await startSlurmCluster();
 * const jobId = await submitSleepJob(cluster);
 * ```
 */
export async function submitSleepJob(
  cluster: SlurmCluster,
  options: { asUser?: string; wait?: boolean } = {},
): Promise<string> {
  const sbatch = ["sbatch", "--parsable", "--comment=selkies-hpc", "-p", cluster.partition, "-t", "10"]
    .concat(["-o", `${cluster.jobDir}/%j.out`, "--wrap", "sleep 600"]);
  const [cmd, ...args] = options.asUser ? ["runuser", "-u", options.asUser, "--", ...sbatch] : sbatch;
  const out = await new Deno.Command(cmd, { args, env: cluster.env, cwd: cluster.jobDir }).output();
  const text = new TextDecoder();
  if (!out.success) throw new Error(`sbatch failed: ${text.decode(out.stderr)}`);
  const jobId = text.decode(out.stdout).trim().split(";")[0];
  if (options.wait !== false) await waitJobState(cluster, jobId, "RUNNING");
  return jobId;
}

/**
 * Polls `scontrol` until the job reaches `state` (30 s at most).
 *
 * @example
 * ```ts
 * import { submitSleepJob, waitJobState } from "./gateway.ts";
 * import { startSlurmCluster } from "./slurm.ts";
 * await using cluster = await startSlurmCluster();
 * const jobId = await submitSleepJob(cluster, { wait: false });
 * await waitJobState(cluster, jobId, "RUNNING");
 * ```
 */
export async function waitJobState(cluster: SlurmCluster, jobId: string, state: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const out = await new Deno.Command("scontrol", { args: ["show", "job", "-o", jobId], env: cluster.env })
      .output();
    if (new TextDecoder().decode(out.stdout).includes(`JobState=${state}`)) return;
    await delay(100);
  }
  throw new Error(`job ${jobId} never reached ${state}`);
}

/**
 * A fresh session secret with what derives from it (session id, token hash, registration key), as a
 * launch path creates them.
 *
 * @example
 * ```ts
 * import { sessionSecret } from "./gateway.ts";
 * sessionSecret().tokenHash.length; // 43
 * ```
 */
export function sessionSecret(): SessionKeys & { token: string } {
  const token = newSecret();
  return { token, ...sessionKeys(token) };
}

/** A WebSocket client with a message queue, for tests. */
export interface TestSocket {
  ws: WebSocket;
  /** Next message (text or bytes), or rejects after `ms`. */
  next(ms?: number): Promise<string | Uint8Array>;
  /** Resolves with the close code. */
  closed: Promise<number>;
  /** Resolves on open, rejects when the handshake fails. */
  opened: Promise<void>;
}

/**
 * Opens a WebSocket with browser-like headers (Origin, Cookie).
 *
 * @example
 * ```ts
 * const viewer = openSocket("ws://127.0.0.1:8080/s/abc/ws", { origin: "http://127.0.0.1:8080" });
 * ```
 */
export function openSocket(url: string, headers: Record<string, string> = {}): TestSocket {
  // @ts-ignore: Deno's WebSocket takes headers as a non-standard option.
  const ws = new WebSocket(url, { headers });
  ws.binaryType = "arraybuffer";
  const queue: (string | Uint8Array)[] = [];
  const waiters: ((m: string | Uint8Array) => void)[] = [];
  ws.onmessage = (e) => {
    const m = typeof e.data === "string" ? e.data : new Uint8Array(e.data as ArrayBuffer);
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  };
  const opened = new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("handshake failed"));
  });
  opened.catch(() => {});
  const closed = new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));
  const next = (ms = 5000) =>
    queue.length ? Promise.resolve(queue.shift()!) : new Promise<string | Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no message")), ms);
      waiters.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  return { ws, next, closed, opened };
}
