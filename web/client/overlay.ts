/**
 * The small status overlay (transport, fps, bitrate, connection) and the message banner.
 *
 * @module
 */
import type { SelkiesStats } from "./stats.ts";

/**
 * Formats the one-line status shown in the corner: the delivered fps, and when overloaded the stage that
 * limits it. With paced WebSocket media it also says the encoder's rate when the page draws fewer frames, the
 * capture-to-drawn latency and the frames in flight; over WebRTC the receiver's part of the latency (`~`) and
 * the frames waiting in it.
 *
 * @example
 * ```ts
 * import { statusLine } from "./overlay.ts";
 * import { createStats } from "./stats.ts";
 * statusLine({ ...createStats(), transport: "websocket", fps: 30, kbps: 2500, connected: true });
 * // "websocket · 30 fps · 2.5 Mbit/s · connected"
 * statusLine({ ...createStats(), transport: "webrtc", fps: 12, kbps: 900, latencyMs: 40, inFlight: 3,
 *   limit: "decode", connected: true });
 * // "webrtc · 12 fps · 900 kbit/s · ~40 ms · 3 queued · limited by decode · connected"
 * ```
 */
export function statusLine(stats: SelkiesStats): string {
  const rate = stats.kbps >= 1000
    ? `${(stats.kbps / 1000).toFixed(1)} Mbit/s`
    : `${Math.round(stats.kbps)} kbit/s`;
  const paced = stats.transport === "websocket" && stats.window > 0;
  const fps = paced && stats.encoderFps > stats.fps + 1
    ? `${Math.round(stats.fps)}/${Math.round(stats.encoderFps)} fps`
    : `${Math.round(stats.fps)} fps`;
  const delivery = paced
    ? ` · ${Math.round(stats.latencyMs)} ms · ${stats.inFlight}/${stats.window} in flight`
    : stats.transport === "webrtc" && stats.latencyMs > 0
    ? ` · ~${Math.round(stats.latencyMs)} ms · ${stats.inFlight} queued`
    : "";
  const limit = stats.limit !== "none" && stats.transport !== "none" ? ` · limited by ${stats.limit}` : "";
  return `${stats.transport} · ${fps} · ${rate}${delivery}${limit} · ${
    stats.connected ? "connected" : "disconnected"
  }`;
}

/**
 * Drives the overlay elements of index.html.
 *
 * @example
 * ```ts
 * import { Overlay } from "./overlay.ts";
 * const overlay = new Overlay(document);
 * overlay.message("Reconnecting...");
 * ```
 */
export class Overlay {
  readonly #status: HTMLElement;
  readonly #banner: HTMLElement;
  readonly #panel: HTMLElement;
  readonly #root: HTMLElement;

  constructor(doc: Document) {
    this.#root = doc.getElementById("overlay")!;
    this.#status = doc.getElementById("status")!;
    this.#banner = doc.getElementById("message")!;
    this.#panel = doc.getElementById("clip-panel")!;
  }

  /** Refreshes the status line; `detail` (why this transport) shows as its tooltip. */
  update(stats: SelkiesStats, detail: string): void {
    this.#status.textContent = statusLine(stats);
    this.#status.title = detail;
  }

  /** Shows a message banner, or hides it when `text` is empty. */
  message(text: string): void {
    this.#banner.textContent = text;
    this.#banner.hidden = text === "";
  }

  /** Shows or hides the whole overlay. */
  toggle(): void {
    this.#root.hidden = !this.#root.hidden;
  }

  /** Shows or hides the clipboard panel. */
  toggleClipboard(): void {
    this.#panel.hidden = !this.#panel.hidden;
  }
}
