/**
 * Captures keyboard, mouse and wheel input over the remote view and turns it into protocol messages.
 *
 * @module
 */
import type { ClientMessage } from "../../protocol/protocol.ts";
import { type Box, screenPixelsPerCssPixel, type Size, toScreen } from "./geometry.ts";
import { isComposingKey } from "./ime.ts";
import { keysymFromKey } from "./keysym.ts";
import { WheelAccumulator } from "./wheel.ts";

/** Where the remote picture is, for mapping pointer positions. */
export interface ViewGeometry {
  /** The displaying element's box in CSS pixels. */
  element: Box;
  /** The picture's intrinsic size (canvas size or video size). */
  content: Size;
  /** The X screen size. */
  screen: Size;
}

/** Options of {@linkcode InputCapture}. */
export interface InputCaptureOptions {
  /** The element showing the desktop (receives pointer events). */
  surface: HTMLElement;
  /** Sends one input message. */
  send(message: ClientMessage): void;
  /** Current geometry, or undefined before the first frame. */
  geometry(): ViewGeometry | undefined;
  /** Called for Ctrl+V / Cmd+V before the key is sent, so the clipboard can go first. */
  beforePaste?(): Promise<void>;
  /** Local shortcuts (Ctrl+Alt+Shift+<key>) the desktop never sees, by `KeyboardEvent.code`. */
  shortcuts?: Record<string, () => void>;
}

/** Browser `MouseEvent.button` to X button: left, middle, right, back, forward. */
const BUTTONS = [1, 2, 3, 8, 9];

/**
 * Listens on the window and the surface while enabled; sends `{t:"reset"}` and forgets pressed keys
 * when the window loses focus, the page is hidden (tab switch) or pointer lock comes or goes, so no key or
 * modifier stays down on the desktop. Keys aimed at a field inside the surface (ime.ts) are the desktop's;
 * keys an input method is composing with are left to it.
 *
 * @example
 * ```ts
 * import { InputCapture } from "./input.ts";
 * import type { ClientMessage } from "../../protocol/protocol.ts";
 * const surface = document.getElementById("stage")!;
 * const send = (message: ClientMessage) => console.log(message);
 * const input = new InputCapture({ surface, send, geometry: () => undefined });
 * input.enable();
 * ```
 */
export class InputCapture {
  readonly #options: InputCaptureOptions;
  readonly #down = new Map<string, number>();
  readonly #buttons = new Set<number>();
  readonly #wheel = new WheelAccumulator();
  readonly #abort = new AbortController();
  #enabled = false;
  #pendingMove?: { x: number; y: number };
  #moveScheduled = false;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: InputCaptureOptions) {
    this.#options = options;
    const signal = this.#abort.signal;
    type Events = HTMLElementEventMap & DocumentEventMap;
    const on = <K extends keyof Events>(
      target: EventTarget,
      type: K,
      fn: (event: Events[K]) => void,
      passive = false,
    ) =>
      target.addEventListener(type, (event) => this.#enabled && fn(event as Events[K]), {
        signal,
        passive,
      });
    on(globalThis, "keydown", (e) => this.#key(e, true));
    on(globalThis, "keyup", (e) => this.#key(e, false));
    on(globalThis, "blur", () => this.releaseAll());
    on(document, "visibilitychange", () => document.hidden && this.releaseAll());
    on(document, "pointerlockchange", () => this.releaseAll());
    on(options.surface, "pointermove", (e) => this.#move(e));
    on(options.surface, "pointerdown", (e) => this.#button(e, true));
    on(globalThis, "pointerup", (e) => this.#button(e, false));
    on(options.surface, "wheel", (e) => this.#scroll(e));
    on(options.surface, "contextmenu", (e) => e.preventDefault());
  }

  /** Starts sending input (after `hello` said this viewer may). */
  enable(): void {
    this.#enabled = true;
  }

  /** Stops sending input and releases what is held. */
  disable(): void {
    this.releaseAll();
    this.#enabled = false;
  }

  /** Removes every listener. */
  dispose(): void {
    this.disable();
    this.#abort.abort();
  }

  /** Releases all keys and buttons on the desktop (focus lost, transport switched). */
  releaseAll(): void {
    if (!this.#enabled) return;
    this.#down.clear();
    this.#buttons.clear();
    this.#wheel.reset();
    this.#options.send({ t: "reset" });
  }

  #key(event: KeyboardEvent, down: boolean): void {
    const target = event.target as HTMLElement | null;
    // Typing into the page's own fields (clipboard panel) stays local; a key held from before is let go.
    const local = target?.closest?.("input, textarea, [contenteditable]") &&
      !this.#options.surface.contains(target);
    if (!down && (local || isComposingKey(event)) && this.#down.has(event.code)) return this.#release(event);
    if (local || isComposingKey(event)) return;
    if (down && event.ctrlKey && event.altKey && event.shiftKey) {
      const shortcut = this.#options.shortcuts?.[event.code];
      if (shortcut) {
        event.preventDefault();
        return shortcut();
      }
    }
    const paste = down && (event.ctrlKey || event.metaKey) && event.code === "KeyV";
    if (down) {
      const keysym = keysymFromKey(event);
      if (keysym === undefined) return;
      // Paste must reach the browser (no preventDefault) so the paste event delivers the clipboard.
      if (!paste) event.preventDefault();
      if (event.repeat && this.#down.get(event.code) === keysym) {
        return this.#sendOrdered({ t: "kd", k: keysym });
      }
      this.#down.set(event.code, keysym);
      if (paste && this.#options.beforePaste) {
        const ready = this.#options.beforePaste();
        this.#queue = this.#queue.then(() => ready).catch(() => {});
      }
      this.#sendOrdered({ t: "kd", k: keysym });
    } else {
      this.#release(event);
    }
  }

  /** Releases what was pressed on this physical key, whatever the modifiers say now. */
  #release(event: KeyboardEvent): void {
    const keysym = this.#down.get(event.code) ?? keysymFromKey(event);
    this.#down.delete(event.code);
    if (keysym === undefined) return;
    event.preventDefault();
    this.#sendOrdered({ t: "ku", k: keysym });
  }

  /** Keeps key order behind a pending paste: the clipboard must arrive before Ctrl+V does. */
  #sendOrdered(message: ClientMessage): void {
    this.#queue = this.#queue.then(() => this.#options.send(message));
  }

  #move(event: PointerEvent): void {
    const geometry = this.#options.geometry();
    if (!geometry) return;
    if (document.pointerLockElement === this.#options.surface) {
      const scale = screenPixelsPerCssPixel(geometry.element, geometry.screen);
      const dx = Math.round(event.movementX * scale);
      const dy = Math.round(event.movementY * scale);
      if (dx || dy) this.#options.send({ t: "mr", dx, dy });
      return;
    }
    this.#pendingMove = toScreen(
      event.clientX,
      event.clientY,
      geometry.element,
      geometry.content,
      geometry.screen,
    );
    // At most one absolute move per animation frame: pointer events can come at 1000 Hz.
    if (this.#moveScheduled) return;
    this.#moveScheduled = true;
    requestAnimationFrame(() => this.#flushMove());
  }

  #flushMove(): void {
    this.#moveScheduled = false;
    const move = this.#pendingMove;
    this.#pendingMove = undefined;
    if (move) this.#options.send({ t: "ma", x: move.x, y: move.y });
  }

  #button(event: PointerEvent, down: boolean): void {
    const b = BUTTONS[event.button];
    if (b === undefined) return;
    if (down) {
      event.preventDefault();
      // A press needs a place: before the first picture there is nothing to click on, and the desktop would
      // take it wherever its pointer happens to be (a click into a window the user never saw).
      if (!this.#options.geometry()) return;
      this.#options.surface.focus();
      // Keep receiving moves and the release while dragging outside the window.
      this.#options.surface.setPointerCapture?.(event.pointerId);
      // The press must land where the pointer is now, not one animation frame later.
      this.#move(event);
      this.#flushMove();
      this.#buttons.add(b);
    } else if (!this.#buttons.delete(b)) {
      return;
    }
    this.#options.send({ t: "mb", b, d: down });
  }

  #scroll(event: WheelEvent): void {
    event.preventDefault();
    const { dx, dy } = this.#wheel.add(event.deltaX, event.deltaY, event.deltaMode);
    if (dx || dy) this.#options.send({ t: "mw", dx, dy });
  }
}
