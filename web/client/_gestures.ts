/**
 * A pure touch gesture recogniser: it turns the list of fingers on the screen over time into pointer
 * gestures (point, press, scroll, zoom), and knows nothing of the DOM or the protocol. touch.ts feeds it the
 * browser's touches and turns its gestures into input messages and the view's zoom.
 *
 * One finger: a tap clicks, a long press (still for {@linkcode GestureOptions.longPressMs}) right-clicks, a
 * drag moves with the left button held (direct mode) or moves the pointer (trackpad mode, where a finger
 * that comes back within 300 ms of a tap and moves drags with the left button held). Two fingers: moving
 * together scrolls, spreading or pinching zooms the view (and moving them pans it). A gesture keeps its
 * meaning until every finger has lifted: a drag that gains a finger stays a drag, a pinch that loses one
 * does not turn into a drag.
 *
 * @module
 */

/** One finger on the screen, in CSS pixels (client coordinates). */
export interface TouchPoint {
  /** `Touch.identifier`: the same finger keeps its id while it stays down. */
  id: number;
  x: number;
  y: number;
}

/** What one finger means: the desktop pointer under the finger, or a trackpad driving a pointer. */
export type PointerMode = "direct" | "trackpad";

/** A gesture the recogniser found, for the caller to act on. */
export type Gesture =
  /** Direct mode: the pointer goes to this client position. */
  | { kind: "point"; x: number; y: number }
  /** Trackpad mode: the pointer moves by this much (CSS pixels of finger travel). */
  | { kind: "nudge"; dx: number; dy: number }
  /** A button press or release where the pointer is (1 left, 3 right). */
  | { kind: "press"; button: 1 | 3; down: boolean }
  /** Scroll by finger travel in CSS pixels: positive `dy` scrolls down (the fingers moved up). */
  | { kind: "scroll"; dx: number; dy: number }
  /** Zoom the view by `factor` about client point (x, y), then pan it by (panX, panY). */
  | { kind: "zoom"; factor: number; x: number; y: number; panX: number; panY: number };

/** Options of {@linkcode GestureRecognizer}. */
export interface GestureOptions {
  /** What one finger does. @default {"direct"} */
  mode?: PointerMode;
  /** How long a still finger must stay down to right-click, in ms. @default {500} */
  longPressMs?: number;
  /** How far (CSS pixels) a finger may wander and still tap or long-press. @default {10} */
  slopPx?: number;
}

/** Trackpad mode: a touch this soon (ms) after a tap that then moves is a drag with the left button. */
const TAP_DRAG_MS = 300;

type State =
  | { name: "idle" }
  /** One finger down, not yet a tap, a long press or a drag. */
  | { name: "pending"; id: number; start: TouchPoint; since: number; afterTap: boolean }
  /** A moving finger; `held`: with the left button down (direct mode, or trackpad tap-and-drag). */
  | { name: "drag"; id: number; last: TouchPoint; held: boolean }
  | { name: "two"; ids: [number, number]; start: Pair; last: Pair; kind?: "scroll" | "zoom" }
  /** The gesture is over (a long press fired, a pinch lost a finger): wait until every finger lifts. */
  | { name: "spent" };

interface Pair {
  x: number;
  y: number;
  distance: number;
}

/**
 * Turns successive touch lists into {@linkcode Gesture}s. Call {@linkcode GestureRecognizer.update} with
 * every touch event's full list of fingers and {@linkcode GestureRecognizer.tick} at
 * {@linkcode GestureRecognizer.deadline} (the long press needs a clock, and the caller owns it).
 *
 * @example
 * ```ts
 * import { GestureRecognizer } from "./_gestures.ts";
 * const gestures = new GestureRecognizer();
 * gestures.update(0, [{ id: 1, x: 50, y: 60 }]); // []: a tap, a long press or a drag?
 * gestures.update(80, []);
 * // [{ kind: "point", x: 50, y: 60 }, { kind: "press", button: 1, down: true },
 * //  { kind: "press", button: 1, down: false }]
 * ```
 */
export class GestureRecognizer {
  /** What one finger does; takes effect from the next gesture. */
  mode: PointerMode;
  readonly #longPressMs: number;
  readonly #slop: number;
  #state: State = { name: "idle" };
  /** When the last tap lifted (trackpad mode's tap-and-drag). */
  #tapEnd?: number;
  /** The mode of the gesture under way (a switch mid-drag must still release the button it pressed). */
  #active: PointerMode;

  constructor(options: GestureOptions = {}) {
    this.mode = options.mode ?? "direct";
    this.#longPressMs = options.longPressMs ?? 500;
    this.#slop = options.slopPx ?? 10;
    this.#active = this.mode;
  }

  /** When (same clock as `update`'s `time`) {@linkcode tick} must be called next, or undefined. */
  get deadline(): number | undefined {
    const state = this.#state;
    return state.name === "pending" ? state.since + this.#longPressMs : undefined;
  }

  /** Whether a button is held by this gesture (a drag in direct mode, or after a tap in trackpad mode). */
  get holding(): boolean {
    return this.#state.name === "drag" && this.#state.held;
  }

  /**
   * Takes the fingers now on the screen (`TouchEvent.touches`) at `time` (ms) and returns the gestures
   * this change completes.
   */
  update(time: number, touches: readonly TouchPoint[]): Gesture[] {
    const state = this.#state;
    switch (state.name) {
      case "idle":
        this.#active = this.mode;
        if (touches.length === 1) {
          // Trackpad mode: a finger that comes back right after a tap drags with the button (as on laptops).
          const afterTap = this.#active === "trackpad" && this.#tapEnd !== undefined &&
            time - this.#tapEnd <= TAP_DRAG_MS;
          this.#state = { name: "pending", id: touches[0].id, start: touches[0], since: time, afterTap };
        } else if (touches.length >= 2) this.#state = this.#two(touches);
        return [];
      case "pending":
        return this.#pending(state, time, touches);
      case "drag":
        return this.#drag(state, touches);
      case "two":
        return this.#twoFingers(state, touches);
      case "spent":
        if (touches.length === 0) this.#state = { name: "idle" };
        return [];
    }
  }

  /** Fires a long press whose time has come (a still finger held since `deadline`). */
  tick(time: number): Gesture[] {
    const state = this.#state;
    if (state.name !== "pending" || time < state.since + this.#longPressMs) return [];
    this.#state = { name: "spent" };
    return [...this.#at(state.start), ...click(3)];
  }

  /** Ends the gesture at once (touch cancelled, input disabled): releases a held button. */
  cancel(): Gesture[] {
    const held = this.holding;
    this.#state = { name: "idle" };
    return held ? [{ kind: "press", button: 1, down: false }] : [];
  }

  #pending(
    state: Extract<State, { name: "pending" }>,
    time: number,
    touches: readonly TouchPoint[],
  ): Gesture[] {
    if (touches.length >= 2) {
      this.#state = this.#two(touches);
      return [];
    }
    const finger = touches.find((t) => t.id === state.id);
    if (!finger) {
      // Lifted: a tap, unless it stayed down long enough to be a long press the clock has not fired yet.
      const long = time >= state.since + this.#longPressMs;
      this.#state = touches.length ? { name: "spent" } : { name: "idle" };
      this.#tapEnd = long ? undefined : time;
      return [...this.#at(state.start), ...click(long ? 3 : 1)];
    }
    if (distance(finger, state.start) <= this.#slop) return [];
    const held = this.#active === "direct" || state.afterTap;
    this.#state = { name: "drag", id: state.id, last: finger, held };
    const press: Gesture[] = held ? [{ kind: "press", button: 1, down: true }] : [];
    if (this.#active === "trackpad") return [...press, nudge(state.start, finger)];
    return [point(state.start), ...press, point(finger)];
  }

  #drag(state: Extract<State, { name: "drag" }>, touches: readonly TouchPoint[]): Gesture[] {
    const finger = touches.find((t) => t.id === state.id);
    if (!finger) {
      this.#state = touches.length ? { name: "spent" } : { name: "idle" };
      return state.held ? [{ kind: "press", button: 1, down: false }] : [];
    }
    if (finger.x === state.last.x && finger.y === state.last.y) return [];
    const last = state.last;
    state.last = finger;
    return [this.#active === "trackpad" ? nudge(last, finger) : point(finger)];
  }

  #twoFingers(state: Extract<State, { name: "two" }>, touches: readonly TouchPoint[]): Gesture[] {
    const a = touches.find((t) => t.id === state.ids[0]);
    const b = touches.find((t) => t.id === state.ids[1]);
    if (!a || !b) {
      this.#state = touches.length ? { name: "spent" } : { name: "idle" };
      return [];
    }
    const now = pair(a, b);
    const gestures: Gesture[] = [];
    if (!state.kind) {
      // Fingers moving together wobble apart a little; a pinch changes their distance clearly.
      if (Math.abs(now.distance - state.start.distance) > 2 * this.#slop) state.kind = "zoom";
      else if (distance(now, state.start) > this.#slop) {
        state.kind = "scroll";
        // The wheel scrolls what is under the pointer: bring it under the fingers first.
        if (this.#active === "direct") gestures.push(point(state.start));
      } else return [];
    }
    const last = state.last;
    state.last = now;
    if (state.kind === "scroll") {
      gestures.push({ kind: "scroll", dx: last.x - now.x, dy: last.y - now.y });
    } else {
      const factor = last.distance > 0 ? now.distance / last.distance : 1;
      gestures.push({
        kind: "zoom",
        factor,
        x: last.x,
        y: last.y,
        panX: now.x - last.x,
        panY: now.y - last.y,
      });
    }
    return gestures;
  }

  #two(touches: readonly TouchPoint[]): State {
    const start = pair(touches[0], touches[1]);
    return { name: "two", ids: [touches[0].id, touches[1].id], start, last: start };
  }

  /** Where a press lands: the finger's place in direct mode, the pointer's in trackpad mode. */
  #at(finger: TouchPoint): Gesture[] {
    return this.#active === "direct" ? [point(finger)] : [];
  }
}

function click(button: 1 | 3): Gesture[] {
  return [{ kind: "press", button, down: true }, { kind: "press", button, down: false }];
}

function point(finger: { x: number; y: number }): Gesture {
  return { kind: "point", x: finger.x, y: finger.y };
}

function nudge(from: { x: number; y: number }, to: { x: number; y: number }): Gesture {
  return { kind: "nudge", dx: to.x - from.x, dy: to.y - from.y };
}

function pair(a: TouchPoint, b: TouchPoint): Pair {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, distance: distance(a, b) };
}

function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
