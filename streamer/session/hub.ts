/**
 * The viewers of one session, and the desktop events every one of them hears (cursor,
 * clipboard, screen size).
 *
 * @module
 */
import type { ServerMessage } from "../../protocol/protocol.ts";
import type { ViewerSample } from "./metrics.ts";
import type { Viewer } from "./viewer.ts";

/**
 * Keeps the connected viewers and the latest desktop state a newcomer needs.
 *
 * @example
 * ```ts
 * import { ViewerHub } from "./hub.ts";
 * import type { Viewer } from "./viewer.ts";
 * declare const viewer: Viewer;
 * const hub = new ViewerHub();
 * hub.add(viewer);
 * hub.broadcast({ t: "clip", text: "copied on the desktop" });
 * ```
 */
export class ViewerHub {
  #viewers = new Set<Viewer>();
  #cursor: ServerMessage | undefined;

  /** Number of connected viewers. */
  get size(): number {
    return this.#viewers.size;
  }

  /** What the metrics show of each connected viewer now. */
  samples(): ViewerSample[] {
    return [...this.#viewers].map((v) => ({ id: v.id, remote: v.remote, delivery: v.delivery() }));
  }

  /** Adds a viewer (removed by itself when it leaves) and brings it up to date. */
  add(viewer: Viewer): void {
    this.#viewers.add(viewer);
    if (this.#cursor) viewer.send(this.#cursor);
    viewer.closed.then(() => this.#viewers.delete(viewer));
  }

  /** Disconnects every viewer (the session is ending). */
  closeAll(): void {
    for (const viewer of this.#viewers) viewer.close();
  }

  /** Sends binary frames (a clipboard image's chunks) to every viewer, in order. */
  broadcastBytes(frames: Uint8Array[]): void {
    for (const viewer of this.#viewers) for (const frame of frames) viewer.sendBytes(frame);
  }

  /** Sends a message to every viewer; the latest cursor is remembered for newcomers. */
  broadcast(message: ServerMessage): void {
    if (message.t === "cursor" || message.t === "cursor-hidden") this.#cursor = message;
    for (const viewer of this.#viewers) viewer.send(message);
  }
}
