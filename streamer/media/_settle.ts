/**
 * Applies idle only once the encoder has settled: after a big change the VBV cap spreads the picture over
 * several frames (measured: 90 KB frames, then ~16 KB ones for 1 s or more at 720p and 4 Mbit/s), so closing
 * the gate in the middle would leave a blurry screen until the next change. All-skip frames (tens of
 * bytes) say the encoder has nothing left to refine; content it never converges on is cut at 2 s.
 *
 * @module
 */

/** A video frame at most this large means the encoder has caught up with the screen. */
export const SETTLED_BYTES = 512;
/** Idle is applied after this long even if frames stay large (a change the damage poll missed). */
export const MAX_SETTLE_MS = 2000;

/** The active state the workers are told, lagging the requested one while the encoder settles. */
export class Settle {
  readonly #apply: (active: boolean) => void;
  #applied = true;
  #small = 2;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `apply` tells the workers (called only on changes). */
  constructor(apply: (active: boolean) => void) {
    this.#apply = apply;
  }

  /** The state the workers were told. */
  get applied(): boolean {
    return this.#applied;
  }

  /** Active now, at once; idle once the next small frame arrives (or after {@linkcode MAX_SETTLE_MS}). */
  request(active: boolean): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (active || this.#settled) return this.#set(active);
    this.#timer = setTimeout(() => this.#set(false), MAX_SETTLE_MS);
  }

  /**
   * An encoded video frame of the shared worker (every worker encodes the same screen alike).
   * Keyframes (asked for, not caused by a change) count neither way.
   */
  frame(bytes: number, key = false): void {
    if (key) return;
    this.#small = bytes <= SETTLED_BYTES ? this.#small + 1 : 0;
    if (this.#settled && this.#timer !== undefined) this.request(false);
  }

  /** Drops the pending timer. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  // Two small frames in a row: a single one shows up amid a refinement now and then (a capture tick
  // that fell between two steps of an X client's drawing).
  get #settled(): boolean {
    return this.#small >= 2;
  }

  #set(active: boolean): void {
    if (active === this.#applied) return;
    this.#applied = active;
    this.#apply(active);
  }
}
