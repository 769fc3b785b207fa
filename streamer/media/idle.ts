/**
 * Turns "the screen changed" notices (X damage) into active/idle for {@linkcode MediaSession.setActive}.
 *
 * @module
 */

/** Options of {@linkcode IdleTimer}. */
export interface IdleTimerOptions {
  /**
   * How long the screen must stay unchanged before going idle, in ms: a few frame periods, so the
   * capture after the last change has happened. Reopening costs no latency and MediaSession waits for
   * the encoder to settle, so longer only costs CPU (the benchmark's idle screen changes every 500 ms:
   * a 250 ms hold kept the encoder busy over half the time).
   * @default {100}
   */
  holdMs?: number;
  /** Frames per second of the capture: the hold is at least three frame periods. */
  fps?: number;
  /** Called with `true` when the screen starts changing, `false` once it has been still for `holdMs`. */
  onChange: (active: boolean) => void;
}

/** The default hold-open time (see {@linkcode IdleTimerOptions.holdMs}). */
export const DEFAULT_HOLD_MS = 100;

/**
 * Active from construction until `holdMs` pass without a {@linkcode IdleTimer.touch}.
 *
 * @example
 * ```ts
 * import { IdleTimer } from "./idle.ts";
 * import type { MediaSession } from "./session.ts";
 * import type { X11Session } from "../x11/session.ts";
 * declare const media: MediaSession, x11: X11Session;
 * const idle = new IdleTimer({ onChange: (active) => media.setActive(active) });
 * x11.onDamage(() => idle.touch());
 * // on shutdown:
 * idle.close();
 * ```
 */
export class IdleTimer {
  readonly #holdMs: number;
  readonly #onChange: (active: boolean) => void;
  #active = true;
  #last = performance.now();
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Starts active, with the hold running (a screen that never changes goes idle after `holdMs`). */
  constructor(options: IdleTimerOptions) {
    this.#holdMs = Math.max(options.holdMs ?? DEFAULT_HOLD_MS, options.fps ? 3000 / options.fps : 0);
    this.#onChange = options.onChange;
    this.#arm(this.#holdMs);
  }

  /** Whether the screen counts as changing now. */
  get active(): boolean {
    return this.#active;
  }

  /** The screen changed: active now (at once), idle after `holdMs` more without a change. */
  touch(): void {
    if (this.#last === Infinity) return; // closed
    this.#last = performance.now();
    if (this.#timer === undefined) this.#arm(this.#holdMs);
    if (this.#active) return;
    this.#active = true;
    this.#onChange(true);
  }

  /** Stops the timer; no more calls. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#last = Infinity;
  }

  // One timer per hold, not one per touch: touches come up to every 8 ms while the screen changes.
  #arm(ms: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#last === Infinity) return;
      const left = this.#last + this.#holdMs - performance.now();
      if (left > 1) return this.#arm(left);
      this.#active = false;
      this.#onChange(false);
    }, ms);
  }
}
