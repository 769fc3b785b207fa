/**
 * Test helpers for the gateway: sleep jobs on the test cluster, a viewer WebSocket with browser
 * headers, and a session secret with its hash.
 *
 * @module
 */
import { type SessionKeys, sessionKeys } from "../../protocol/session_id.ts";
import { newSecret } from "../../secrets.ts";
import type { SlurmCluster } from "./slurm.ts";
import { delay } from "../fixtures/async.ts";

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
