/**
 * One viewer's WebSocket as seen through the tunnel: a stream that behaves like the embedded
 * server's `ViewerSocket` (send, bufferedAmount, close, onMessage, onClose).
 *
 * @module
 */
import { BUFFER_BUDGETS } from "../../protocol/budgets.ts";
import { KeyframeGate } from "../../protocol/keyframe_gate.ts";
import type { ViewerSocket } from "../server/viewer_socket.ts";

/** The transport-neutral viewer socket (defined once, by the embedded server). */
export type { ViewerSocket };

/** What the tunnel client lets a stream do to the tunnel below it. */
export interface StreamLink {
  /** Queues one data frame of this stream on the tunnel. */
  sendData(id: number, data: string | Uint8Array): void;
  /** Tells the gateway the stream ended. */
  sendClose(id: number, code?: number, reason?: string): void;
  /** Bytes queued on the tunnel WebSocket. */
  readonly bufferedAmount: number;
}

/**
 * A viewer stream multiplexed on a tunnel; created by the tunnel client for each `open`.
 *
 * @example
 * ```ts
 * import { TunnelStream } from "./viewer.ts";
 * const link = { sendData() {}, sendClose() {}, bufferedAmount: 0 };
 * const viewer = new TunnelStream(1, link);
 * viewer.onMessage((data) => viewer.send(data)); // echo
 * ```
 */
export class TunnelStream implements ViewerSocket {
  readonly #messageCbs: ((data: string | Uint8Array) => void)[] = [];
  readonly #closeCbs: (() => void)[] = [];
  readonly #gate = new KeyframeGate();
  #closed = false;

  /** Creates stream `id` over `link`. */
  constructor(readonly id: number, readonly link: StreamLink) {}

  send(data: string | Uint8Array): void {
    if (this.#closed) return;
    const queued = this.link.bufferedAmount;
    if (queued > BUFFER_BUDGETS.tunnelHard) {
      this.close(1013, "tunnel congested");
      return;
    }
    // The tunnel is shared by every viewer: its queue is the one the viewers' own pacing cannot see.
    if (!this.#gate.admit(data, queued > BUFFER_BUDGETS.tunnelSoft).send) return;
    this.link.sendData(this.id, data);
  }

  get bufferedAmount(): number {
    return this.link.bufferedAmount;
  }

  close(code?: number, reason?: string): void {
    if (this.#closed) return;
    this.link.sendClose(this.id, code, reason);
    this.ended();
  }

  onMessage(cb: (data: string | Uint8Array) => void): void {
    this.#messageCbs.push(cb);
  }

  onClose(cb: () => void): void {
    if (this.#closed) queueMicrotask(cb);
    else this.#closeCbs.push(cb);
  }

  /** Delivers a message from the viewer (called by the tunnel client). */
  deliver(data: string | Uint8Array): void {
    if (this.#closed) return;
    for (const cb of this.#messageCbs) {
      try {
        cb(data);
      } catch {
        // A throwing consumer must not take the tunnel down with it.
      }
    }
  }

  /** Marks the stream ended without telling the gateway (it closed it, or the tunnel dropped). */
  ended(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const cb of this.#closeCbs.splice(0)) {
      try {
        cb();
      } catch {
        // Same as above: isolate consumers.
      }
    }
  }

  /** Whether the stream has ended. */
  get closed(): boolean {
    return this.#closed;
  }
}
