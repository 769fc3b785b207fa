/**
 * Both ends of a relayed stream in the bench process: a streamer-side tunnel client registered for
 * a real SLURM job, and a browser-side viewer WebSocket; or the same pair over a direct WebSocket.
 *
 * @module
 */
import { newSecret } from "../../secrets.ts";
import { openSocket } from "../../tests/harness/gateway.ts";
import {
  connectTunnel,
  type ConnectTunnelOptions,
  type TunnelHandle,
  type ViewerSocket,
} from "../../streamer/tunnel/mod.ts";

/** A sender (streamer side) and a receiver (browser side) of one stream. */
export interface StreamPair {
  /** Sends one binary message from the streamer side. */
  send(data: Uint8Array): void;
  /** Called with every message the browser side receives. */
  onReceive(handler: (data: Uint8Array) => void): void;
  /** Closes both ends. */
  close(): void;
}

/** Job facts a registration needs. */
export interface BenchJob {
  /** Gateway URL. */
  gatewayUrl: string;
  /** A RUNNING job of this user on `node`. */
  jobId: string;
  /** The job's node. */
  node: string;
  /** Account name owning the job. */
  user: string;
  /** munged socket. */
  mungeSocket: string;
}

/**
 * Registers one tunnel and resolves with its token and the streamer side of viewers; `more` adds tunnel
 * options (e.g. `onRegistered`).
 *
 * @example
 * ```ts
 * import { type BenchJob, registerTunnel } from "./_peers.ts";
 * declare const job: BenchJob;
 * const { tunnel } = await registerTunnel(job, () => {});
 * ```
 */
export async function registerTunnel(
  job: BenchJob,
  onViewer: (socket: ViewerSocket) => void,
  more: Pick<ConnectTunnelOptions, "onRegistered" | "maxBackoffMs"> = {},
): Promise<{ tunnel: TunnelHandle; sessionUrl: string; token: string }> {
  const token = newSecret();
  const tunnel = connectTunnel({
    gatewayUrl: job.gatewayUrl,
    mungeSocket: job.mungeSocket,
    registration: { jobId: job.jobId, user: job.user, node: job.node },
    token,
    onViewer,
    ...more,
  });
  const { sessionUrl } = await tunnel.ready;
  return { tunnel, sessionUrl, token };
}

/** Opens the browser side (the tests' WebSocket client) and pairs it with the streamer side's `send`. */
async function pairWith(
  url: string,
  headers: Record<string, string>,
  streamerSide: () => Promise<{ send(data: Uint8Array): void }>,
  closeStreamer: () => void,
): Promise<StreamPair> {
  const { ws, opened } = openSocket(url, headers);
  await opened;
  const streamer = await streamerSide();
  return {
    send: (data) => streamer.send(data),
    onReceive: (handler) => ws.onmessage = (e) => handler(new Uint8Array(e.data as ArrayBuffer)),
    close: () => {
      ws.close();
      closeStreamer();
    },
  };
}

/**
 * A stream relayed by the gateway: tunnel client -> gateway -> viewer WebSocket.
 *
 * @example
 * ```ts
 * import { type BenchJob, gatewayPair } from "./_peers.ts";
 * declare const job: BenchJob;
 * const pair = await gatewayPair(job);
 * ```
 */
export async function gatewayPair(job: BenchJob): Promise<StreamPair> {
  const streamSide = Promise.withResolvers<ViewerSocket>();
  const { tunnel, sessionUrl, token } = await registerTunnel(job, (s) => streamSide.resolve(s));
  const login = await fetch(`${sessionUrl}?token=${token}`, { redirect: "manual" });
  await login.body?.cancel();
  const cookie = login.headers.get("set-cookie")!.split(";")[0];
  const headers = { origin: new URL(job.gatewayUrl).origin, cookie };
  return await pairWith(
    `${sessionUrl.replace(/^http/, "ws")}ws`,
    headers,
    () => streamSide.promise,
    () => tunnel.close(),
  );
}

/**
 * The same stream over a direct WebSocket (what a browser on the compute network would use).
 *
 * @example
 * ```ts
 * const pair = await directPair();
 * ```
 */
export function directPair(): Promise<StreamPair> {
  const serverSide = Promise.withResolvers<WebSocket>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onopen = () => serverSide.resolve(socket);
    return response;
  });
  return pairWith(
    `ws://127.0.0.1:${server.addr.port}/`,
    {},
    () => serverSide.promise,
    () => void server.shutdown(),
  );
}
