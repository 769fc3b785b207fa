/**
 * The transport-neutral socket a viewer speaks through: a browser's WebSocket ({@linkcode wrapWebSocket},
 * here) or one viewer's stream inside the gateway tunnel (`TunnelStream`, streamer/tunnel/viewer.ts).
 *
 * @module
 */
import { exceedsBytes, MAX_CONTROL_BYTES, wireBytes } from "../../protocol/protocol.ts";
import { getLog } from "../../log.ts";

const log = getLog("server");

/**
 * One connected viewer: text frames carry JSON control messages, binary frames carry media.
 *
 * @example
 * ```ts
 * import type { ViewerSocket } from "./viewer_socket.ts";
 * function greet(socket: ViewerSocket) {
 *   socket.onMessage((data) => typeof data === "string" && socket.send(data));
 * }
 * ```
 */
export interface ViewerSocket {
  /** Sends one text (control) or binary (media) frame; silently dropped once the socket is closed. */
  send(data: string | Uint8Array): void;
  /** Bytes queued but not yet sent; media senders skip frames when this grows. */
  readonly bufferedAmount: number;
  /** Closes the socket; safe to call more than once. */
  close(code?: number, reason?: string): void;
  /** Registers the receiver of incoming frames (oversized frames never reach it). */
  onMessage(cb: (data: string | Uint8Array) => void): void;
  /** Registers a callback run once when the socket has closed, whoever closed it. */
  onClose(cb: () => void): void;
}

/**
 * Wraps an open or opening WebSocket into a {@linkcode ViewerSocket}.
 * Frames larger than `MAX_CONTROL_BYTES` are dropped with a log line, and callback errors are logged,
 * so a misbehaving peer can never crash the server.
 *
 * @example
 * ```ts
 * import { wrapWebSocket } from "./viewer_socket.ts";
 * Deno.serve((request) => {
 *   const { socket, response } = Deno.upgradeWebSocket(request);
 *   const viewer = wrapWebSocket(socket);
 *   viewer.onMessage((data) => viewer.send(data)); // echo
 *   return response;
 * });
 * ```
 */
export function wrapWebSocket(ws: WebSocket): ViewerSocket {
  ws.binaryType = "arraybuffer";
  const receivers: ((data: string | Uint8Array) => void)[] = [];
  const closers: (() => void)[] = [];
  let closed = false;
  ws.addEventListener("message", (event) => {
    const raw = event.data;
    const data = typeof raw === "string" ? raw : raw instanceof ArrayBuffer ? new Uint8Array(raw) : undefined;
    if (data === undefined) return;
    // Counted in bytes as the frame carried them (UTF-8 for text), not in UTF-16 units.
    if (exceedsBytes(data, MAX_CONTROL_BYTES)) {
      log.warn("dropped an oversized viewer message ({size} bytes)", { size: wireBytes(data) });
      return;
    }
    for (const cb of receivers) guard(() => cb(data));
  });
  const finish = () => {
    if (closed) return;
    closed = true;
    for (const cb of closers) guard(cb);
  };
  ws.addEventListener("close", finish);
  ws.addEventListener("error", finish);
  return {
    send(data) {
      if (closed || ws.readyState !== WebSocket.OPEN) return;
      try {
        ws.send(data);
      } catch (error) {
        log.debug("send failed: {error}", { error });
      }
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    close(code, reason) {
      try {
        ws.close(code, reason);
      } catch {
        // Already closing, or an invalid code from a caller: either way the socket goes away.
        ws.close();
      }
    },
    onMessage(cb) {
      receivers.push(cb);
    },
    onClose(cb) {
      if (closed) guard(cb);
      else closers.push(cb);
    },
  };
}

function guard(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    log.error("viewer callback failed: {error}", { error });
  }
}
