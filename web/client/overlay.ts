/**
 * The small status overlay (transport, fps, bitrate, connection) and the message banner.
 *
 * @module
 */
import type { SelkiesStats } from "./stats.ts";

/**
 * Formats the one-line status shown in the corner.
 *
 * @example
 * ```ts
 * import { statusLine } from "./overlay.ts";
 * import { createStats } from "./stats.ts";
 * statusLine({ ...createStats(), transport: "websocket", fps: 30, kbps: 2500, connected: true });
 * // "websocket · 30 fps · 2.5 Mbit/s · connected"
 * ```
 */
export function statusLine(stats: SelkiesStats): string {
  const rate = stats.kbps >= 1000
    ? `${(stats.kbps / 1000).toFixed(1)} Mbit/s`
    : `${Math.round(stats.kbps)} kbit/s`;
  return `${stats.transport} · ${Math.round(stats.fps)} fps · ${rate} · ${
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
