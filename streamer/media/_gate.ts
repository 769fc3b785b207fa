/**
 * The worker's frame gate (a `valve` after the capture): open while the screen is active, closed while
 * idle so nothing is converted or encoded, and opened briefly ("pulsed") when a keyframe is wanted while
 * idle, so a new viewer or a decoder reset gets its keyframe at once. Pacing closes it too, while no viewer
 * has room for another frame (protocol/pacing.ts): the encoder then runs at the rate of the fastest viewer
 * instead of making frames that would be dropped, and the next frame it makes is a fresh capture.
 *
 * @module
 */

/** Options of {@linkcode FrameGate}. */
export interface FrameGateOptions {
  /** Opens (`true`) or closes the valve. */
  set: (open: boolean) => void;
  /**
   * Resumes (`true`) or pauses the capture itself: paused only while the screen is idle, never merely for
   * pacing (the frame after a pacing pause must be captured at once, not after a source restarts).
   */
  capture?: (running: boolean) => void;
  /** How long a pulse keeps the gate open, in ms (a few frames: the encoder may drop one while busy). */
  pulseMs: number;
}

/** Open/closed state from the parent plus keyframe pulses; calls `set` only on changes. */
export class FrameGate {
  readonly #options: FrameGateOptions;
  #active = true;
  #held = true;
  #pulse: ReturnType<typeof setTimeout> | undefined;
  #paced = true;
  #capturing = true;
  #open = true;

  /**
   * Starts held open until {@linkcode FrameGate.release}: a new pipeline takes ~1 s to its first frame,
   * and a viewer must get that frame (its keyframe) even when the screen is idle.
   */
  constructor(options: FrameGateOptions) {
    this.#options = options;
  }

  /** The first frame has gone out (appsink) or the viewer is connected (WebRTC): obey `setActive` now. */
  release(): void {
    this.#held = false;
    this.#apply();
  }

  /** Whether frames flow now. */
  get open(): boolean {
    return this.#open;
  }

  /** The parent's word: the screen changes (`true`) or has been idle (`false`). */
  setActive(active: boolean): void {
    this.#active = active;
    this.#apply();
  }

  /** The parent's pacing word: some viewer has room for another frame (`true`), or none has. */
  setPaced(room: boolean): void {
    this.#paced = room;
    this.#apply();
  }

  /** Lets frames flow for `pulseMs` even when idle. */
  pulse(): void {
    clearTimeout(this.#pulse);
    this.#pulse = setTimeout(() => {
      this.#pulse = undefined;
      this.#apply();
    }, this.#options.pulseMs);
    this.#apply();
  }

  #apply(): void {
    const wanted = this.#held || this.#active || this.#pulse !== undefined;
    if (wanted && !this.#capturing) this.#options.capture?.(this.#capturing = true);
    const open = wanted && this.#paced;
    if (open !== this.#open) {
      this.#open = open;
      this.#options.set(open);
    }
    if (!wanted && this.#capturing) this.#options.capture?.(this.#capturing = false);
  }
}

/**
 * How long a keyframe pulse stays open: four frame periods, at least 100 ms.
 *
 * @example
 * ```ts
 * import { pulseMs } from "./_gate.ts";
 * pulseMs(60); // 100
 * ```
 */
export function pulseMs(fps: number): number {
  return Math.max(100, Math.round(4000 / fps));
}
