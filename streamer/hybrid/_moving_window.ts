/**
 * How far back the planner looks to call a tile "moving" (changed `movingChanges` times within the window).
 * Normally `movingWindowMs`; while updates are heavy, the span of the last `movingChanges` of them (capped).
 *
 * Without the stretch, a loop slowed below ~6 updates a second by its own lossless tiles never saw a tile
 * change 3 times in 500 ms, so nothing became lossy or video and every update stayed lossless:
 * glxspheres64 -fs at 4K (a 2176x2160 moving area) replayed through the real loop here: 138 updates of 17
 * lossless rects each in 8 s, never a region; on the H200 5.6 fps.
 *
 * @module
 */

/**
 * An update that changed this share of the screen is heavy: its own encoding (a 4K screen of lossless tiles
 * took 250-450 ms here) spaces the updates out.
 */
const HEAVY_SHARE = 0.25;
/** The stretched window is at most this many times `movingWindowMs`. */
const STRETCH_MAX = 2;

/**
 * The moving window, update by update.
 *
 * @example
 * ```ts
 * import { MovingWindow } from "./_moving_window.ts";
 * const window = new MovingWindow(3, 500);
 * window.next({ changed: 10, screen: 100, fullVideo: false, nowMs: 0 }); // 500: a light update
 * ```
 */
export class MovingWindow {
  readonly #changes: number;
  readonly #windowMs: number;
  /** The times of the last updates while each of them was heavy, newest first. */
  #heavy: number[] = [];

  constructor(movingChanges: number, movingWindowMs: number) {
    this.#changes = movingChanges;
    this.#windowMs = movingWindowMs;
  }

  /**
   * The window for the update at `nowMs` that changed `changed` of the screen's `screen` pixels. Not
   * stretched while full-screen video runs: its loop watches at 10 Hz, and a window stretched by its heavy
   * updates kept the screen "moving" after the motion (the page stayed video pixels in 3 of 8 runs of
   * tests/hybrid_test.ts's full-screen step, 0 of 4 without).
   */
  next(update: { changed: number; screen: number; fullVideo: boolean; nowMs: number }): number {
    const { changed, screen, fullVideo, nowMs } = update;
    if (fullVideo || changed < HEAVY_SHARE * screen) this.#heavy.length = 0;
    else this.#heavy = [nowMs, ...this.#heavy.slice(0, this.#changes - 1)];
    if (this.#heavy.length < this.#changes) return this.#windowMs;
    const span = nowMs - this.#heavy[this.#changes - 1];
    return Math.min(STRETCH_MAX * this.#windowMs, Math.max(this.#windowMs, span));
  }
}
