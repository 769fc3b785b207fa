/**
 * Hostile traffic over real sockets, for the end-to-end fuzz tests: a WebSocket opened with chosen headers,
 * and a blast of generated messages sent without letting the local send queue grow past a bound.
 *
 * @module
 */
import type { Rng } from "./_gen.ts";

/** An open WebSocket and its close, for the fuzzers. */
export interface OpenedSocket {
  ws: WebSocket;
  /** Resolves with the close code once it closed. */
  closed: Promise<number>;
  /** Text frames received so far (the last 100). */
  texts: string[];
  /** Binary frames received so far. */
  binaries(): number;
}

/**
 * Opens a WebSocket with `headers` (Deno's non-standard option); rejects when the handshake fails.
 *
 * @example
 * ```ts
 * import { openWebSocket } from "./_wire.ts";
 * const socket = await openWebSocket("ws://127.0.0.1:8080/ws", { authorization: "Bearer s3cret" });
 * socket.ws.close();
 * ```
 */
export function openWebSocket(url: string, headers: Record<string, string> = {}): Promise<OpenedSocket> {
  // @ts-ignore: Deno's WebSocket takes headers as a non-standard option.
  const ws = new WebSocket(url, { headers });
  ws.binaryType = "arraybuffer";
  const texts: string[] = [];
  let binaries = 0;
  ws.onmessage = (event) => {
    if (typeof event.data !== "string") return void binaries++;
    texts.push(event.data);
    if (texts.length > 100) texts.splice(0, 50);
  };
  const closed = new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve({ ws, closed, texts, binaries: () => binaries });
    ws.onerror = () => reject(new Error(`WebSocket to ${url} refused`));
  });
}

/**
 * Sends `count` messages made by `make` on `ws`, waiting whenever more than `maxQueued` bytes wait to be
 * sent; stops early when the socket closes. Resolves with how many were sent.
 *
 * @example
 * ```ts
 * import { blast, openWebSocket } from "./_wire.ts";
 * import { Rng } from "./_gen.ts";
 * const { ws } = await openWebSocket("ws://127.0.0.1:8080/ws");
 * await blast(ws, 100, new Rng(1), () => "{}");
 * ```
 */
export async function blast(
  ws: WebSocket,
  count: number,
  rng: Rng,
  make: (rng: Rng) => string | Uint8Array,
  maxQueued = 1 << 20,
): Promise<number> {
  let sent = 0;
  for (; sent < count && ws.readyState === WebSocket.OPEN; sent++) {
    while (ws.bufferedAmount > maxQueued && ws.readyState === WebSocket.OPEN) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    try {
      ws.send(make(rng));
    } catch {
      break; // closed meanwhile
    }
    if (sent % 256 === 255) await new Promise((resolve) => setTimeout(resolve, 0)); // let replies in
  }
  return sent;
}
