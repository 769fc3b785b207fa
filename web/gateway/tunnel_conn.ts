/**
 * The gateway's end of one streamer tunnel: frames control messages and stream data, keeps the
 * tunnel alive with pings, and routes data to the viewer attached to each stream.
 *
 * @module
 */
import {
  decodeStreamData,
  encodeStreamData,
  MAX_STREAM_FRAME_BYTES,
  MAX_TUNNEL_CONTROL_BYTES,
  parseTunnelUp,
  TunnelCloseCode,
  type TunnelDownMessage,
  type TunnelUpMessage,
} from "../../protocol/tunnel.ts";
import { exceedsBytes } from "../../protocol/wire_size.ts";

/** The gateway side of a viewer stream. */
export interface StreamSink {
  /** Data from the streamer for this viewer. */
  deliver(data: string | Uint8Array): void;
  /** The streamer (or the tunnel) ended the stream. */
  end(code?: number, reason?: string): void;
  /** Bytes queued towards this viewer's browser. */
  readonly bufferedAmount: number;
}

/** Options for {@linkcode GatewayTunnel}. */
export interface GatewayTunnelOptions {
  /** Called with each `register` message (only before the tunnel is live). */
  onRegister: (msg: Extract<TunnelUpMessage, { t: "register" }>) => void;
  /** Called once when the WebSocket closes. */
  onClosed: (code: number) => void;
  /** Called for a malformed or oversized frame, before the tunnel is closed. */
  onProtocolError: (why: string) => void;
  /** Ping interval, ms; a tunnel silent for 3 intervals is closed. @default {10000} */
  pingMs?: number;
  /**
   * When the tunnel closes with viewer streams still open (the streamer did not end them itself): a text
   * message each of those viewers gets before its stream ends (lost_streamer.ts: why the session ended), or
   * undefined for none. @default {none: the streams end at once}
   */
  lastWords?: (code: number) => Promise<string | undefined>;
}

/**
 * One streamer tunnel on the gateway.
 *
 * @example
 * ```ts
 * import { GatewayTunnel } from "./tunnel_conn.ts";
 * declare const socket: WebSocket; // the streamer's, upgraded
 * const tunnel = new GatewayTunnel(socket, {
 *   onRegister: (msg) => console.log("register", msg.reg.sessionId),
 *   onClosed: (code) => console.log("closed", code),
 *   onProtocolError: (why) => console.warn(why),
 * });
 * ```
 */
export class GatewayTunnel {
  readonly #streams = new Map<number, StreamSink>();
  readonly #pongWaiters = new Map<number, (alive: boolean) => void>();
  #nextId = 1;
  #pingN = 0;
  #lastHeard = Date.now();
  #closed = false;
  readonly #pinger: ReturnType<typeof setInterval>;

  /** Wraps an accepted WebSocket. */
  constructor(readonly ws: WebSocket, readonly options: GatewayTunnelOptions) {
    ws.binaryType = "arraybuffer";
    const pingMs = options.pingMs ?? 10_000;
    this.#pinger = setInterval(() => {
      if (Date.now() - this.#lastHeard > 3 * pingMs) this.close(TunnelCloseCode.timeout, "no pong");
      else this.send({ t: "ping", n: ++this.#pingN });
    }, pingMs);
    ws.onmessage = (event) => this.#receive(event.data);
    ws.onerror = () => {};
    ws.onclose = (event) => this.#ended(event.code);
  }

  /** Whether the WebSocket is still open. */
  get open(): boolean {
    return !this.#closed && this.ws.readyState === WebSocket.OPEN;
  }

  /** Bytes queued towards the streamer. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Bytes queued towards all viewers of this tunnel together. */
  get viewerBufferedAmount(): number {
    let sum = 0;
    for (const sink of this.#streams.values()) sum += sink.bufferedAmount;
    return sum;
  }

  /** Number of open viewer streams. */
  get streamCount(): number {
    return this.#streams.size;
  }

  /** Sends one control message. */
  send(msg: TunnelDownMessage): void {
    if (this.open) this.ws.send(JSON.stringify(msg));
  }

  /** Opens a stream towards the streamer for a viewer; returns its id. */
  openStream(sink: StreamSink, info: { viewOnly: boolean; user?: string }): number {
    const id = this.#nextId++;
    this.#streams.set(id, sink);
    this.send({ t: "open", id, viewOnly: info.viewOnly, user: info.user });
    return id;
  }

  /** Sends viewer data on stream `id`. */
  sendData(id: number, data: string | Uint8Array): void {
    if (this.open && this.#streams.has(id)) this.ws.send(encodeStreamData(id, data));
  }

  /** Ends stream `id` from the viewer's side. */
  closeStream(id: number, code?: number, reason?: string): void {
    if (!this.#streams.delete(id)) return;
    this.send({ t: "close", id, code, reason });
  }

  /** Asks whether the streamer still answers within `timeoutMs`. */
  probe(timeoutMs: number): Promise<boolean> {
    if (!this.open) return Promise.resolve(false);
    const n = ++this.#pingN;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pongWaiters.delete(n);
        resolve(false);
      }, timeoutMs);
      this.#pongWaiters.set(n, (alive) => {
        clearTimeout(timer);
        resolve(alive);
      });
      this.send({ t: "ping", n });
    });
  }

  /** Closes the tunnel (and so every stream). */
  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      try {
        this.ws.close(code, reason);
      } catch {
        // Already closing.
      }
    }
    this.#ended(code);
  }

  #receive(raw: unknown): void {
    this.#lastHeard = Date.now();
    if (typeof raw === "string") {
      const msg = exceedsBytes(raw, MAX_TUNNEL_CONTROL_BYTES) ? undefined : parseTunnelUp(raw);
      if (!msg) return this.#protocolError("malformed or oversized control message");
      switch (msg.t) {
        case "register":
          return this.options.onRegister(msg);
        case "ping":
          return this.send({ t: "pong", n: msg.n });
        case "pong":
          this.#pongWaiters.get(msg.n)?.(true);
          this.#pongWaiters.delete(msg.n);
          return;
        case "close": {
          const sink = this.#streams.get(msg.id);
          this.#streams.delete(msg.id);
          sink?.end(msg.code, msg.reason);
          return;
        }
      }
    }
    if (!(raw instanceof ArrayBuffer) || raw.byteLength > MAX_STREAM_FRAME_BYTES) {
      return this.#protocolError("oversized data frame");
    }
    const frame = decodeStreamData(new Uint8Array(raw));
    if (!frame) return this.#protocolError("malformed data frame");
    this.#streams.get(frame.id)?.deliver(frame.data);
  }

  #protocolError(why: string): void {
    this.options.onProtocolError(why);
    this.close(TunnelCloseCode.protocol, why);
  }

  #ended(code: number): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pinger);
    for (const resolve of this.#pongWaiters.values()) resolve(false);
    this.#pongWaiters.clear();
    const sinks = [...this.#streams.values()];
    this.#streams.clear();
    const words = sinks.length && this.options.lastWords ? this.options.lastWords(code) : undefined;
    if (!words) { for (const sink of sinks) sink.end(1012, "streamer disconnected"); }
    else {
      words.catch(() => undefined).then((text) => {
        for (const sink of sinks) {
          if (text) sink.deliver(text);
          sink.end(1012, text ? "session ended" : "streamer disconnected");
        }
      });
    }
    this.options.onClosed(code);
  }
}
