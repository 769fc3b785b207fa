/**
 * Text input methods over the remote desktop. Browsers run an IME (Chinese, Japanese, Korean), dead keys and
 * compose sequences only for an editable element, so a transparent textarea inside the stage holds the
 * keyboard focus (whoever focuses the stage gives it to the field). Plain keys still go as keys (input.ts
 * sends them and cancels their default, so nothing lands in the field); what an input method commits arrives
 * here, at `compositionend` or as an `insertText` without a key (an on-screen keyboard, automation, a key
 * the page could not name), and is sent as `{t:"text"}`: the streamer types it with whatever keys the X
 * keymap needs. Keys that belong to a composition (`isComposing`, keyCode 229) are left to the IME.
 *
 * @module
 */
import type { ClientMessage } from "../../protocol/protocol.ts";
import { splitText } from "../../protocol/keysym.ts";

/** Options of {@linkcode ImeField}. */
export interface ImeFieldOptions {
  /** The focusable element showing the desktop; the field goes inside it. */
  surface: HTMLElement;
  /** Sends one message. */
  send(message: ClientMessage): void;
}

/**
 * Whether a keydown or keyup belongs to an IME composition (the IME gets it; the desktop gets the result).
 *
 * @example
 * ```ts
 * import { isComposingKey } from "./ime.ts";
 * isComposingKey({ isComposing: false, keyCode: 229 }); // true: an IME is processing the key
 * isComposingKey({ isComposing: false, keyCode: 65 }); // false
 * ```
 */
export function isComposingKey(event: Pick<KeyboardEvent, "isComposing" | "keyCode">): boolean {
  return event.isComposing || event.keyCode === 229;
}

/**
 * The hidden field that receives input methods' text over the stage.
 *
 * @example
 * ```ts
 * import { ImeField } from "./ime.ts";
 * import type { ClientMessage } from "../../protocol/protocol.ts";
 * const surface = document.getElementById("stage")!;
 * const ime = new ImeField({ surface, send: (message: ClientMessage) => console.log(message) });
 * ime.enable();
 * surface.focus(); // the field takes the keyboard; an IME's commit is sent as {t:"text"}
 * ```
 */
export class ImeField {
  /** The field; input.ts treats keys aimed at it as keys for the desktop. */
  readonly field: HTMLTextAreaElement;
  readonly #options: ImeFieldOptions;
  readonly #abort = new AbortController();
  #enabled = false;
  #composing = false;

  constructor(options: ImeFieldOptions) {
    this.#options = options;
    const field = this.field = document.createElement("textarea");
    field.setAttribute("aria-label", "Keyboard input for the desktop");
    for (
      const [name, value] of [["autocomplete", "off"], ["autocorrect", "off"], ["autocapitalize", "off"]]
    ) {
      field.setAttribute(name, value);
    }
    field.spellcheck = false;
    field.tabIndex = -1;
    // Touch screens: no on-screen keyboard when a tap focuses the stage (the touch bar has its own button).
    field.inputMode = "none";
    // Invisible but focusable; where the pointer last pressed, so an IME's candidate window shows there.
    Object.assign(field.style, {
      position: "absolute",
      left: "0px",
      top: "0px",
      width: "1px",
      height: "1em",
      padding: "0",
      border: "0",
      opacity: "0",
      resize: "none",
      overflow: "hidden",
      pointerEvents: "none",
    });
    options.surface.append(field);
    const signal = this.#abort.signal;
    const { surface } = options;
    surface.addEventListener("focus", () => field.focus({ preventScroll: true }), { signal });
    surface.addEventListener("pointerdown", (event) => {
      const box = surface.getBoundingClientRect();
      field.style.left = `${Math.round(event.clientX - box.left)}px`;
      field.style.top = `${Math.round(event.clientY - box.top)}px`;
    }, { signal, capture: true });
    field.addEventListener("compositionstart", () => this.#composing = true, { signal });
    field.addEventListener("compositionend", (event) => {
      this.#composing = false;
      this.#commit(event.data);
      field.value = "";
    }, { signal });
    field.addEventListener("beforeinput", (event) => {
      if (event.inputType === "insertText" && !this.#composing && !event.isComposing) {
        event.preventDefault();
        this.#commit(event.data ?? "");
      } else if (!event.inputType.includes("Composition") && event.cancelable) {
        event.preventDefault(); // pastes, drops, deletions: the desktop gets keys and its clipboard instead
      }
    }, { signal });
    field.addEventListener("input", (event) => {
      if (!(event as InputEvent).isComposing && !this.#composing) field.value = "";
    }, { signal });
  }

  /** Starts sending (after `hello` said this viewer may). */
  enable(): void {
    this.#enabled = true;
  }

  /** Stops sending. */
  disable(): void {
    this.#enabled = false;
  }

  /** Removes the field and its listeners. */
  dispose(): void {
    this.disable();
    this.#abort.abort();
    this.field.remove();
  }

  #commit(text: string): void {
    if (!this.#enabled || !text) return;
    for (const s of splitText(text)) this.#options.send({ t: "text", s });
  }
}
