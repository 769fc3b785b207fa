/**
 * Clipboard both ways: browser -> desktop on paste and on focus (when permitted), desktop -> browser
 * into `navigator.clipboard` (when permitted) and a panel the user can copy from.
 *
 * @module
 */
import type { ClientMessage } from "../../protocol/protocol.ts";
import { clipTextThatFits } from "../../protocol/framing.ts";

/** Options of {@linkcode ClipboardBridge}. */
export interface ClipboardBridgeOptions {
  /** Sends `{t:"clip"}` to the desktop. */
  send(message: ClientMessage): void;
  /** The panel's text area showing the desktop's clipboard. */
  panel: HTMLTextAreaElement;
}

/** How long a Ctrl+V waits for the browser's paste event before the key goes out anyway. */
const PASTE_WAIT_MS = 150;

/**
 * Syncs the clipboard between the browser and the desktop.
 *
 * @example
 * ```ts
 * import { ClipboardBridge } from "./clipboard.ts";
 * import type { ClientMessage } from "../../protocol/protocol.ts";
 * const send = (message: ClientMessage) => console.log(message);
 * const clip = new ClipboardBridge({ send, panel: document.querySelector("textarea")! });
 * clip.fromDesktop("hello");
 * ```
 */
export class ClipboardBridge {
  readonly #options: ClipboardBridgeOptions;
  #lastSent = "";
  #lastReceived = "";
  #pasteWaiter?: () => void;
  enabled = false;

  constructor(options: ClipboardBridgeOptions) {
    this.#options = options;
    globalThis.addEventListener("paste", (event) => {
      const target = event.target as HTMLElement | null;
      if (target?.closest?.("input, textarea")) return;
      const text = event.clipboardData?.getData("text/plain");
      if (text) {
        event.preventDefault();
        this.#toDesktop(text);
      }
      this.#pasteWaiter?.();
    });
    globalThis.addEventListener("focus", () => this.#readOnFocus());
  }

  /** Resolves once the paste event of a Ctrl+V was handled (or after a short wait). */
  beforePaste(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.#pasteWaiter === done) this.#pasteWaiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, PASTE_WAIT_MS);
      this.#pasteWaiter = done;
    });
  }

  /** Shows the desktop's clipboard and copies it to the browser's when allowed. */
  fromDesktop(text: string): void {
    this.#lastReceived = text;
    this.#options.panel.value = text;
    // Writing needs focus (and in some browsers a gesture): the panel remains the fallback.
    navigator.clipboard?.writeText(text).catch(() => {});
  }

  #toDesktop(text: string): void {
    if (!this.enabled || text === this.#lastSent || text === this.#lastReceived) return;
    this.#lastSent = text;
    // Cut to what one control message carries (counted in UTF-8 bytes), so a long clipboard arrives cut.
    this.#options.send({ t: "clip", text: clipTextThatFits(text) });
  }

  async #readOnFocus(): Promise<void> {
    if (!this.enabled || !navigator.clipboard?.readText) return;
    try {
      // Only where already granted: asking would pop a permission prompt at every focus.
      const status = await navigator.permissions.query({ name: "clipboard-read" as PermissionName });
      if (status.state !== "granted") return;
      this.#toDesktop(await navigator.clipboard.readText());
    } catch {
      // Not supported or denied: the paste event still works.
    }
  }
}
