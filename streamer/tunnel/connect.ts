/**
 * The streamer's dial-out tunnel: connects to the gateway, registers the session with a MUNGE
 * credential, carries viewer streams, and reconnects with capped backoff when the gateway goes away.
 * The session id, token hash and registration key all derive from the session secret
 * (protocol/session_id.ts), so the id this streamer claims is one only it can claim; the key is sent only
 * inside the tunnel (use `https://` gateways) and never logged.
 *
 * @module
 */
import type { IceServer } from "../../protocol/ice.ts";
import {
  decodeStreamData,
  encodeStreamData,
  parseTunnelDown,
  type Registration,
  registrationPayload,
  RegistrationSchema,
  TUNNEL_PATH,
  TUNNEL_VERSION,
  TunnelCloseCode,
  type TunnelDownMessage,
} from "../../protocol/tunnel.ts";
import { sessionKeys } from "../../protocol/session_id.ts";
import { SelkiesError } from "../../errors.ts";
import { getLog } from "../../log.ts";
import { mungeEncode } from "./_munge.ts";
import { TunnelStream, type ViewerSocket } from "./viewer.ts";

const log = getLog("tunnel");

/**
 * Raised when the gateway refuses the registration (it will not be retried). Exit code 2.
 *
 * @example
 * ```ts
 * import { TunnelRejectedError } from "./connect.ts";
 * throw new TunnelRejectedError("gateway refused registration: job 42 is PENDING, not RUNNING");
 * ```
 */
export class TunnelRejectedError extends SelkiesError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 2, options);
  }
}

/** What the gateway answered to a successful registration. */
export interface TunnelReady {
  /** Public URL of the session page (append `?token=<secret>` for the owner's link). */
  sessionUrl: string;
  /** ICE servers (with TURN credentials) for the streamer; put them in the viewer hello too. */
  iceServers: IceServer[];
}

/** Options for {@linkcode connectTunnel}. */
export interface ConnectTunnelOptions {
  /** Gateway base URL (`https://`, `http://`, `wss://` or `ws://`); the tunnel is at `<base>/tunnel`. */
  gatewayUrl: string;
  /** The claim to register: job, user, node (SLURM's node name), capabilities. */
  registration: Pick<Registration, "jobId" | "user" | "node"> & { capabilities?: string[] };
  /** The session secret: the session id, token hash and registration key are derived from it. */
  token: string;
  /** Called for each viewer the gateway opens. */
  onViewer: (socket: ViewerSocket, info: { viewOnly: boolean; user?: string }) => void;
  /** Stops the tunnel for good when aborted. */
  signal?: AbortSignal;
  /** munged socket (the allocation's `mungeSocket`). @default {munge's own default} */
  mungeSocket?: string;
  /** Longest wait between reconnection attempts, in ms. @default {2000} */
  maxBackoffMs?: number;
  /** Called after every successful (re-)registration. */
  onRegistered?: (ready: TunnelReady) => void;
}

/** A running tunnel. */
export interface TunnelHandle {
  /** Resolves on the first successful registration; rejects if the gateway refuses it. */
  ready: Promise<TunnelReady>;
  /** Closes the tunnel and every viewer stream; no reconnection follows. */
  close(): void;
  /** How many times the tunnel reconnected after a drop. */
  readonly reconnects: number;
}

/** Seconds without any frame from the gateway after which the tunnel is presumed dead. */
const SILENCE_MS = 30_000;

/**
 * Dials out to the gateway and keeps the session registered until closed or aborted.
 *
 * @example
 * ```ts
 * import { connectTunnel } from "./connect.ts";
 * const tunnel = connectTunnel({
 *   gatewayUrl: "https://gw.example.org",
 *   registration: { jobId: "42", user: "ada", node: "c1" },
 *   token: "the session secret",
 *   onViewer: (socket) => socket.onMessage((m) => socket.send(m)),
 * });
 * const { sessionUrl } = await tunnel.ready;
 * ```
 */
export function connectTunnel(options: ConnectTunnelOptions): TunnelHandle {
  const { registrationKey: key, ...derived } = sessionKeys(options.token);
  const reg = RegistrationSchema.parse({ ...options.registration, ...derived });
  const url = tunnelUrl(options.gatewayUrl, reg.sessionId);
  const maxBackoff = options.maxBackoffMs ?? 2000;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let resolveReady!: (r: TunnelReady) => void, rejectReady!: (e: Error) => void;
  const ready = new Promise<TunnelReady>((res, rej) => [resolveReady, rejectReady] = [res, rej]);
  ready.catch(() => {}); // the caller may never await it
  let isReady = false, reconnects = 0, attempt = 0;
  let current: WebSocket | undefined, retryTimer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    if (stop.signal.aborted) return;
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    current = ws;
    const streams = new Map<number, TunnelStream>();
    let silence: ReturnType<typeof setTimeout> | undefined, registered = false;
    const alive = () => {
      clearTimeout(silence);
      silence = setTimeout(() => ws.close(TunnelCloseCode.timeout, "gateway silent"), SILENCE_MS);
    };
    const link = {
      sendData: (id: number, data: string | Uint8Array) => ws.send(encodeStreamData(id, data)),
      sendClose: (id: number, code?: number, reason?: string) => {
        streams.delete(id);
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ t: "close", id, code, reason }));
      },
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
    };
    const control = (msg: TunnelDownMessage) => {
      switch (msg.t) {
        case "registered": {
          registered = true;
          attempt = 0;
          const info = { sessionUrl: msg.sessionUrl, iceServers: msg.iceServers };
          log.info("registered session {sessionId} at {url}", {
            sessionId: reg.sessionId,
            url: msg.sessionUrl,
          });
          if (!isReady) resolveReady(info);
          isReady = true;
          options.onRegistered?.(info);
          return;
        }
        case "open": {
          // A second `open` of a live id (a confused gateway) ends the first viewer rather than orphan it.
          streams.get(msg.id)?.ended();
          const stream = new TunnelStream(msg.id, link);
          streams.set(msg.id, stream);
          try {
            options.onViewer(stream, { viewOnly: msg.viewOnly, user: msg.user });
          } catch (error) {
            log.error("onViewer failed: {error}", { error });
            stream.close(1011, "streamer error");
          }
          return;
        }
        case "close":
          streams.get(msg.id)?.ended();
          streams.delete(msg.id);
          return;
        case "ping":
          ws.send(JSON.stringify({ t: "pong", n: msg.n }));
          return;
        case "error":
          log.warn("gateway refused the tunnel: {message}", { message: msg.message });
          if (!isReady) rejectReady(new TunnelRejectedError(`gateway refused registration: ${msg.message}`));
          return;
      }
    };
    ws.onopen = async () => {
      alive();
      try {
        const ts = Date.now();
        const cred = await mungeEncode(registrationPayload(reg, ts), options.mungeSocket, stop.signal);
        if (ws.readyState === WebSocket.OPEN) {
          ws.send(JSON.stringify({ t: "register", v: TUNNEL_VERSION, reg, key, ts, cred }));
        }
      } catch (error) {
        log.error("cannot create the MUNGE credential: {error}", { error: String(error) });
        // At the start, say so and stop. A registered session keeps reconnecting instead (onclose backs
        // off): munged down while the gateway restarts must not cut the session off for good.
        if (!isReady) {
          rejectReady(error as Error);
          stop.abort();
        }
        ws.close();
      }
    };
    ws.onmessage = (event) => {
      alive();
      if (typeof event.data === "string") {
        const msg = parseTunnelDown(event.data);
        if (msg) control(msg);
        return;
      }
      const frame = decodeStreamData(new Uint8Array(event.data as ArrayBuffer));
      if (frame) streams.get(frame.id)?.deliver(frame.data);
    };
    ws.onerror = () => {}; // onclose follows and decides
    ws.onclose = (event) => {
      clearTimeout(silence);
      for (const stream of streams.values()) stream.ended();
      streams.clear();
      if (current === ws) current = undefined;
      if (event.code === TunnelCloseCode.rejected && !isReady) {
        rejectReady(new TunnelRejectedError(`gateway refused registration: ${event.reason || "rejected"}`));
        stop.abort();
      }
      if (stop.signal.aborted) return;
      if (registered || isReady) reconnects++;
      const delay = event.code === TunnelCloseCode.restarting && attempt === 0
        ? 50
        : Math.min(maxBackoff, 100 * 2 ** Math.min(attempt, 10));
      attempt++;
      log.info("tunnel closed ({code}), reconnecting in {delay} ms", { code: event.code, delay });
      retryTimer = setTimeout(connect, delay);
    };
  };

  stop.signal.addEventListener("abort", () => {
    clearTimeout(retryTimer);
    options.signal?.removeEventListener("abort", onAbort);
    if (!isReady) rejectReady(new DOMException("tunnel closed", "AbortError"));
    current?.close(1000, "streamer stopping");
  }, { once: true });
  connect();
  return {
    ready,
    close: () => stop.abort(),
    get reconnects() {
      return reconnects;
    },
  };
}

/**
 * The tunnel endpoint, naming the (public) session id in the query: a proxy in front of several gateways
 * hashes on it (nginx `hash $session_key consistent`), so a session's tunnel and its viewers (`/s/<id>/`)
 * reach the same gateway, and after a gateway dies the reconnecting tunnel lands where its viewers go.
 */
function tunnelUrl(gatewayUrl: string, sessionId: string): string {
  const url = new URL(gatewayUrl);
  url.protocol = url.protocol.replace(/^http/, "ws");
  url.pathname = url.pathname.replace(/\/+$/, "") + TUNNEL_PATH;
  url.hash = "";
  url.search = `?session=${sessionId}`;
  return url.href;
}
