/**
 * An in-memory WebSocket for fuzzing the gateway's tunnel and relay logic at full speed. It keeps the rules
 * of Deno's real server-side one (from `Deno.upgradeWebSocket`) that callers can trip over: `send` on a
 * closed socket throws, and `close` with a reason longer than 123 UTF-8 bytes throws and leaves the socket
 * open (a client-side socket also refuses codes other than 1000 and 3000-4999; a server-side one sends any).
 * The end-to-end fuzz tests use real sockets.
 *
 * @module
 */

/**
 * A server-side WebSocket held in memory; `receive` plays a frame from the other end.
 *
 * @example
 * ```ts
 * import { MemorySocket } from "./_sockets.ts";
 * const socket = new MemorySocket();
 * socket.onmessage = (event) => socket.send(event.data);
 * socket.receive("hi");
 * socket.sent; // ["hi"]
 * ```
 */
export class MemorySocket {
  binaryType: BinaryType = "blob";
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  /** Frames sent so far (the last 64). */
  sent: (string | Uint8Array)[] = [];
  /** How it was closed, once it was. */
  closedWith?: { code?: number; reason?: string };
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  /** Sends like a WebSocket (throws once closed). */
  send(data: string | ArrayBufferLike | ArrayBufferView): void {
    if (this.readyState !== WebSocket.OPEN) {
      throw new DOMException("readyState not OPEN", "InvalidStateError");
    }
    this.sent.push(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
    if (this.sent.length > 64) this.sent.splice(0, 32);
  }

  /** Closes like a server-side WebSocket: a long reason throws and leaves it open. */
  close(code?: number, reason?: string): void {
    if (reason !== undefined && new TextEncoder().encode(reason).byteLength > 123) {
      throw new DOMException("close reason longer than 123 bytes", "SyntaxError");
    }
    if (this.readyState >= WebSocket.CLOSING) return;
    this.readyState = WebSocket.CLOSED;
    this.closedWith = { code, reason };
    this.onclose?.(new CloseEvent("close", { code: code ?? 1005, reason }));
  }

  /** Opens it (for sockets handed over before their `open` event). */
  open(): void {
    this.onopen?.(new Event("open"));
  }

  /** Delivers a frame from the other end. */
  receive(data: string | Uint8Array): void {
    const payload = typeof data === "string" ? data : data.slice().buffer;
    this.onmessage?.(new MessageEvent("message", { data: payload }));
  }

  /** The socket typed as the WebSocket it stands in for. */
  asWebSocket(): WebSocket {
    return this as unknown as WebSocket;
  }
}
