/**
 * The on-screen keys of touch devices: a keyboard button that focuses a hidden text field (so the phone's own
 * keyboard appears, and what it types goes to the desktop), and a bar with the keys phones lack (Esc, Tab,
 * Ctrl, Alt, arrows). Ctrl and Alt are sticky: tapped, they hold for the next key or character only.
 *
 * Phone keyboards send words, not keys: text arrives as `beforeinput` (`insertText`) or, while an IME or the
 * keyboard's word prediction composes, as one committed string at `compositionend`; keys with no text
 * (Backspace, Enter, arrows of a hardware keyboard) as `keydown` with a named key. Text goes to the desktop
 * as `{t:"text"}`, like an IME's commit (ime.ts): the streamer types each character with the key and
 * modifiers its X keymap has for it.
 *
 * @module
 */
import type { ClientMessage } from "../../protocol/protocol.ts";
import { keysymFromChar, keysymFromKey } from "./keysym.ts";
import { splitText } from "../../protocol/keysym.ts";

/** Options of {@linkcode OnscreenKeys}. */
export interface OnscreenKeysOptions {
  /** The bar: its buttons with `data-key` (a `KeyboardEvent.key`, and `data-code` for sided keys) send
   * that key; with `data-sticky` they hold for the next key instead. */
  bar: HTMLElement;
  /** The hidden text field the phone's keyboard types into. */
  field: HTMLInputElement;
  /** The button that opens and closes the phone's keyboard. */
  keyboardButton: HTMLElement;
  /** Sends one input message. */
  send(message: ClientMessage): void;
}

const RETURN = 0xff0d;
const BACKSPACE = 0xff08;
const DELETE = 0xffff;
/** Keys a hardware keyboard's keydown may carry into the field that are modifiers, not keys to press. */
const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta", "AltGraph", "CapsLock", "OS"]);

/**
 * Wires the bar and the hidden field; the bar shows on touch devices while input is enabled.
 *
 * @example
 * ```ts
 * import { OnscreenKeys } from "./onscreen_keys.ts";
 * import type { ClientMessage } from "../../protocol/protocol.ts";
 * const keys = new OnscreenKeys({
 *   bar: document.getElementById("touch-bar")!,
 *   field: document.getElementById("osk-field") as HTMLInputElement,
 *   keyboardButton: document.getElementById("osk")!,
 *   send: (message: ClientMessage) => console.log(message),
 * });
 * keys.enable();
 * keys.type("ls -l\n"); // typed on the desktop
 * ```
 */
export class OnscreenKeys {
  readonly #options: OnscreenKeysOptions;
  readonly #sticky = new Map<HTMLElement, number>();
  readonly #abort = new AbortController();
  #enabled = false;
  #touched = false;

  constructor(options: OnscreenKeysOptions) {
    this.#options = options;
    const { bar, field, keyboardButton } = options;
    const signal = this.#abort.signal;
    // Tapping the bar must not take the focus from the field: the phone's keyboard would close.
    for (const type of ["pointerdown", "mousedown"]) {
      bar.addEventListener(
        type,
        (event) => (event.target as HTMLElement).closest("button") && event.preventDefault(),
        {
          signal,
        },
      );
    }
    for (const button of bar.querySelectorAll<HTMLElement>("button[data-key]")) {
      button.addEventListener("click", () => this.#tap(button), { signal });
    }
    keyboardButton.addEventListener("click", () => {
      if (document.activeElement === field) field.blur();
      else field.focus({ preventScroll: true });
    }, { signal });
    field.addEventListener("beforeinput", (event) => this.#beforeInput(event), { signal });
    field.addEventListener("compositionend", (event) => {
      this.type(event.data ?? "");
      field.value = "";
    }, { signal });
    field.addEventListener("input", (event) => {
      if (!(event as InputEvent).isComposing) field.value = "";
    }, { signal });
    field.addEventListener("keydown", (event) => this.#keyDown(event), { signal });
    // Phones show no bar until touched; a touch screen shows it at once.
    globalThis.addEventListener("touchstart", () => {
      this.#touched = true;
      this.#show();
    }, { signal, passive: true, capture: true });
    // The phone's keyboard covers the bottom of the layout viewport: keep the bar just above it.
    const viewport = globalThis.visualViewport;
    const lift = () => {
      if (!viewport) return;
      const covered = innerHeight - (viewport.height + viewport.offsetTop);
      bar.style.bottom = `${Math.max(0, covered)}px`;
    };
    viewport?.addEventListener("resize", lift, { signal });
    viewport?.addEventListener("scroll", lift, { signal });
  }

  /** Shows the bar (on touch devices) and starts sending. */
  enable(): void {
    this.#enabled = true;
    this.#show();
  }

  /** Hides the bar, closes the phone's keyboard, drops sticky modifiers; nothing is sent any more. */
  disable(): void {
    this.#enabled = false;
    this.#release();
    this.#options.field.blur();
    this.#show();
  }

  /** Removes every listener. */
  dispose(): void {
    this.disable();
    this.#abort.abort();
  }

  /** Types text on the desktop as `{t:"text"}` (the streamer finds each character's key and modifiers in its
   * keymap); with a sticky modifier held, the first character is a key pressed inside it (Ctrl+C). */
  type(text: string): void {
    if (!this.#enabled || !text) return;
    if (this.#sticky.size > 0) {
      const [first] = text;
      const keysym = first === "\n" ? RETURN : keysymFromChar(first);
      if (keysym !== undefined) this.press(keysym);
      text = text.slice(first.length);
    }
    for (const s of splitText(text)) this.#options.send({ t: "text", s });
  }

  /** Presses and releases one key, inside the sticky modifiers (which then let go). */
  press(keysym: number): void {
    if (!this.#enabled) return;
    const modifiers = [...this.#sticky.values()];
    for (const k of modifiers) this.#options.send({ t: "kd", k });
    this.#options.send({ t: "kd", k: keysym });
    this.#options.send({ t: "ku", k: keysym });
    for (const k of modifiers.reverse()) this.#options.send({ t: "ku", k });
    this.#release();
  }

  #tap(button: HTMLElement): void {
    const keysym = keysymFromKey({
      key: button.dataset.key ?? "",
      code: button.dataset.code ?? "",
      location: button.dataset.code?.endsWith("Right") ? 2 : 0,
    });
    if (keysym === undefined) return;
    if (button.dataset.sticky === undefined) return this.press(keysym);
    if (this.#sticky.delete(button)) button.setAttribute("aria-pressed", "false");
    else {
      this.#sticky.set(button, keysym);
      button.setAttribute("aria-pressed", "true");
    }
  }

  #release(): void {
    for (const button of this.#sticky.keys()) button.setAttribute("aria-pressed", "false");
    this.#sticky.clear();
  }

  #beforeInput(event: InputEvent): void {
    switch (event.inputType) {
      case "insertText":
        this.type(event.data ?? "");
        break;
      case "insertLineBreak":
      case "insertParagraph":
        this.press(RETURN);
        break;
      case "deleteContentBackward":
        this.press(BACKSPACE);
        break;
      case "deleteContentForward":
        this.press(DELETE);
        break;
      case "insertCompositionText":
        return; // Not cancellable; the committed text comes at compositionend.
    }
    // The field stays empty: everything typed lives on the desktop.
    if (event.cancelable) event.preventDefault();
  }

  #keyDown(event: KeyboardEvent): void {
    // Printable keys and composition come as text (beforeinput); a phone's keydown says "Unidentified".
    const { key } = event;
    if (event.isComposing || [...key].length === 1 || MODIFIERS.has(key)) return;
    if (key === "Unidentified" || key === "Process" || key === "Dead") return;
    const keysym = keysymFromKey(event);
    if (keysym === undefined) return;
    event.preventDefault();
    this.press(keysym);
  }

  #show(): void {
    const touch = this.#touched || navigator.maxTouchPoints > 0;
    this.#options.bar.hidden = !(this.#enabled && touch);
  }
}
