/**
 * Turns browser wheel events (pixels, lines or pages) into whole scroll steps.
 *
 * @module
 */

/** `WheelEvent.deltaMode` values. */
export const DeltaMode = { pixel: 0, line: 1, page: 2 } as const;

/** Pixels per step: one mouse-wheel notch in Chromium and Safari. */
const PIXELS_PER_STEP = 100;
/** Lines per step: one notch in Firefox. */
const LINES_PER_STEP = 3;
/** Steps per page. */
const STEPS_PER_PAGE = 10;

/**
 * Accumulates fractional wheel deltas (touchpads send many small ones) and hands out whole steps.
 *
 * @example
 * ```ts
 * import { WheelAccumulator } from "./wheel.ts";
 * const wheel = new WheelAccumulator();
 * wheel.add(0, 100, 0); // { dx: 0, dy: 1 }
 * wheel.add(0, 40, 0); // { dx: 0, dy: 0 } (remembered)
 * wheel.add(0, 60, 0); // { dx: 0, dy: 1 }
 * ```
 */
export class WheelAccumulator {
  #x = 0;
  #y = 0;

  /** Adds one event's deltas and returns the whole steps now due (clamped to ±100). */
  add(deltaX: number, deltaY: number, deltaMode: number): { dx: number; dy: number } {
    const perStep = deltaMode === DeltaMode.line
      ? LINES_PER_STEP
      : deltaMode === DeltaMode.page
      ? 1 / STEPS_PER_PAGE
      : PIXELS_PER_STEP;
    this.#x += (Number.isFinite(deltaX) ? deltaX : 0) / perStep;
    this.#y += (Number.isFinite(deltaY) ? deltaY : 0) / perStep;
    const dx = Math.trunc(this.#x);
    const dy = Math.trunc(this.#y);
    this.#x -= dx;
    this.#y -= dy;
    return { dx: Math.max(-100, Math.min(100, dx)), dy: Math.max(-100, Math.min(100, dy)) };
  }

  /** Forgets any partial step (e.g. after the direction changed or focus was lost). */
  reset(): void {
    this.#x = 0;
    this.#y = 0;
  }
}
