/**
 * Touch input over the remote view: the browser's touches go through the gesture recogniser (_gestures.ts)
 * and come out as pointer, button and wheel messages, or as a zoom of the view. The zoom is a CSS transform
 * of the picture's elements: it never resizes the remote screen, and since `getBoundingClientRect()` includes
 * the transform, every later touch (and mouse) position maps through it (geometry.ts `toScreen`).
 *
 * Touch pointer events are kept from input.ts's mouse handling (which would click on every touch): this file
 * owns touches, input.ts owns mice, pens and keys.
 *
 * @module
 */
import type { ClientMessage } from "../../protocol/protocol.ts";
import { type Gesture, GestureRecognizer, type PointerMode, type TouchPoint } from "./_gestures.ts";
import { containBox, toScreen, type ViewZoom, zoomView } from "./geometry.ts";
import type { ViewGeometry } from "./input.ts";
import { DeltaMode, WheelAccumulator } from "./wheel.ts";

/** Options of {@linkcode TouchInput}. */
export interface TouchInputOptions {
  /** The element showing the desktop (receives the touches). */
  surface: HTMLElement;
  /** The picture's elements (canvas, video): the zoom transforms them. */
  views: HTMLElement[];
  /** Sends one input message. */
  send(message: ClientMessage): void;
  /** Current geometry, or undefined before the first frame. */
  geometry(): ViewGeometry | undefined;
  /** The virtual pointer shown in trackpad mode. */
  pointer?: HTMLElement;
  /** A button that switches between direct and trackpad mode (its text says the mode). */
  modeButton?: HTMLElement;
}

/** Finger travel per wheel step, in CSS pixels: half of a mouse notch's 100 (a phone screen is small). */
const SCROLL_GAIN = 2;
/** Trackpad mode: pointer travel per CSS pixel of finger travel. */
const TRACKPAD_GAIN = 1.5;
const MODE_KEY = "selkies.touchMode";

/**
 * Listens for touches on the surface: zooming the view always works (also for view-only viewers); input is
 * sent only while enabled.
 *
 * @example
 * ```ts
 * import { TouchInput } from "./touch.ts";
 * import type { ClientMessage } from "../../protocol/protocol.ts";
 * const surface = document.getElementById("stage")!;
 * const views = [document.getElementById("canvas")!];
 * const send = (message: ClientMessage) => console.log(message);
 * const touch = new TouchInput({ surface, views, send, geometry: () => undefined });
 * touch.enable();
 * ```
 */
export class TouchInput {
  readonly #options: TouchInputOptions;
  readonly #gestures: GestureRecognizer;
  readonly #wheel = new WheelAccumulator();
  readonly #abort = new AbortController();
  readonly #held = new Set<number>();
  #enabled = false;
  #zoom: ViewZoom = { scale: 1, x: 0, y: 0 };
  /** The virtual pointer, in client CSS pixels (trackpad mode). */
  #pointer?: { x: number; y: number };
  #timer?: ReturnType<typeof setTimeout>;

  constructor(options: TouchInputOptions) {
    this.#options = options;
    this.#gestures = new GestureRecognizer({ mode: storedMode() });
    const signal = this.#abort.signal;
    const surface = options.surface;
    for (const type of ["touchstart", "touchmove", "touchend", "touchcancel"] as const) {
      surface.addEventListener(type, (event) => this.#touch(event), { signal, passive: false });
    }
    // input.ts would take a touch's pointer events for mouse clicks; stop them before they reach it.
    for (const type of ["pointerdown", "pointermove", "pointerup", "pointercancel"] as const) {
      globalThis.addEventListener(type, (event) => {
        if (event.pointerType === "touch" && surface.contains(event.target as Node)) event.stopPropagation();
      }, { signal, capture: true });
    }
    globalThis.addEventListener("resize", () => this.#zoomBy(1, 0, 0), { signal });
    options.modeButton?.addEventListener(
      "click",
      () => this.setMode(this.mode === "direct" ? "trackpad" : "direct"),
      {
        signal,
      },
    );
    this.#showMode();
  }

  /** What one finger does: `direct` (the pointer under the finger) or `trackpad` (a virtual pointer). */
  get mode(): PointerMode {
    return this.#gestures.mode;
  }

  /** Switches the pointer mode (from the next gesture) and remembers it in this browser. */
  setMode(mode: PointerMode): void {
    this.#gestures.mode = mode;
    try {
      localStorage.setItem(MODE_KEY, mode);
    } catch { /* Storage off (private mode): the choice lasts for this page. */ }
    this.#pointer = undefined;
    this.#showMode();
  }

  /** The view's zoom now. */
  get zoom(): ViewZoom {
    return { ...this.#zoom };
  }

  /** Shows the whole picture again. */
  resetZoom(): void {
    this.#zoomBy(1 / this.#zoom.scale, 0, 0);
  }

  /** Starts sending input (after `hello` said this viewer may). */
  enable(): void {
    this.#enabled = true;
  }

  /** Stops sending input; releases a button a drag holds. */
  disable(): void {
    this.#act(this.#gestures.cancel());
    for (const b of this.#held) this.#options.send({ t: "mb", b, d: false });
    this.#held.clear();
    this.#enabled = false;
  }

  /** Removes every listener. */
  dispose(): void {
    this.disable();
    clearTimeout(this.#timer);
    this.#abort.abort();
  }

  #touch(event: TouchEvent): void {
    // No compatibility mouse events, no browser scrolling or zooming of the page.
    if (event.cancelable) event.preventDefault();
    clearTimeout(this.#timer);
    if (event.type === "touchcancel") return this.#act(this.#gestures.cancel());
    const touches: TouchPoint[] = Array.from(
      event.touches,
      (t) => ({ id: t.identifier, x: t.clientX, y: t.clientY }),
    );
    // The timer below ticks on performance.now(): the touch's time must be on that clock too. An event's
    // timeStamp comes from the platform's event time, which for synthetic (CDP) touches on a loaded box ran
    // seconds ahead of it, so the long press never came.
    this.#act(this.#gestures.update(performance.now(), touches));
    this.#arm();
  }

  /** Sets the timer for the recogniser's next deadline (a long press), if it has one. */
  #arm(): void {
    const deadline = this.#gestures.deadline;
    if (deadline === undefined) return;
    // setTimeout truncates a fractional delay and may fire on the millisecond, so the tick can come a
    // fraction of a millisecond before the deadline and find nothing due: it arms again until it is.
    this.#timer = setTimeout(() => {
      this.#act(this.#gestures.tick(performance.now()));
      this.#arm();
    }, Math.max(0, Math.ceil(deadline - performance.now())));
  }

  #act(gestures: Gesture[]): void {
    for (const gesture of gestures) {
      switch (gesture.kind) {
        case "zoom":
          this.#zoomBy(gesture.factor, gesture.x, gesture.y, gesture.panX, gesture.panY);
          break;
        case "point":
          this.#moveTo(gesture.x, gesture.y);
          break;
        case "nudge":
          this.#nudge(gesture.dx, gesture.dy);
          break;
        case "press":
          this.#press(gesture.button, gesture.down);
          break;
        case "scroll": {
          if (!this.#enabled) break;
          const { dx, dy } = this.#wheel.add(
            gesture.dx * SCROLL_GAIN,
            gesture.dy * SCROLL_GAIN,
            DeltaMode.pixel,
          );
          if (dx || dy) this.#options.send({ t: "mw", dx, dy });
          break;
        }
      }
    }
  }

  #moveTo(x: number, y: number): void {
    const geometry = this.#options.geometry();
    if (!this.#enabled || !geometry) return;
    const at = toScreen(x, y, geometry.element, geometry.content, geometry.screen);
    this.#options.send({ t: "ma", x: at.x, y: at.y });
  }

  #nudge(dx: number, dy: number): void {
    const geometry = this.#options.geometry();
    if (!this.#enabled || !geometry) return;
    // The pointer stays on the part of the picture that is on the stage.
    const picture = containBox(geometry.element, geometry.content);
    const stage = this.#options.surface.getBoundingClientRect();
    const left = Math.max(picture.left, stage.left);
    const top = Math.max(picture.top, stage.top);
    const right = Math.min(picture.left + picture.width, stage.left + stage.width) - 1;
    const bottom = Math.min(picture.top + picture.height, stage.top + stage.height) - 1;
    const from = this.#pointer ?? { x: (left + right) / 2, y: (top + bottom) / 2 };
    this.#pointer = {
      x: Math.min(right, Math.max(left, from.x + dx * TRACKPAD_GAIN)),
      y: Math.min(bottom, Math.max(top, from.y + dy * TRACKPAD_GAIN)),
    };
    this.#moveTo(this.#pointer.x, this.#pointer.y);
    this.#showMode();
  }

  #press(button: 1 | 3, down: boolean): void {
    // As with a mouse: before the first picture there is nothing to click on.
    if (!this.#enabled || !this.#options.geometry()) return;
    if (down) this.#held.add(button);
    else if (!this.#held.delete(button)) return;
    this.#options.send({ t: "mb", b: button, d: down });
  }

  #zoomBy(factor: number, x: number, y: number, panX = 0, panY = 0): void {
    const stage = this.#options.surface.getBoundingClientRect();
    this.#zoom = zoomView(this.#zoom, { factor, x: x - stage.left, y: y - stage.top, panX, panY }, stage);
    const { scale, x: tx, y: ty } = this.#zoom;
    const transform = scale === 1 ? "" : `translate(${tx}px, ${ty}px) scale(${scale})`;
    for (const view of this.#options.views) {
      view.style.transformOrigin = "0 0";
      view.style.transform = transform;
    }
    // The virtual pointer stays where it is drawn, so the desktop's pointer follows the picture under it.
    if (this.#pointer && this.mode === "trackpad") this.#moveTo(this.#pointer.x, this.#pointer.y);
  }

  #showMode(): void {
    const { pointer, modeButton } = this.#options;
    if (modeButton) {
      modeButton.textContent = this.mode === "direct" ? "Touch" : "Trackpad";
      modeButton.title = this.mode === "direct"
        ? "One finger clicks and drags where it touches; tap for trackpad mode"
        : "One finger moves a pointer like a trackpad; tap for direct touch";
    }
    if (pointer) {
      pointer.hidden = this.mode !== "trackpad" || !this.#pointer;
      if (this.#pointer) pointer.style.transform = `translate(${this.#pointer.x}px, ${this.#pointer.y}px)`;
    }
  }
}

function storedMode(): PointerMode {
  try {
    return localStorage.getItem(MODE_KEY) === "trackpad" ? "trackpad" : "direct";
  } catch {
    return "direct";
  }
}
