/**
 * Applies idle only once the encoder has settled: after a big change the VBV cap spreads the picture over
 * several frames (measured: ~300 KB over 7 frames / 250 ms at 720p and 4 Mbit/s), and closing the gate
 * in the middle would leave a blurry screen until the next change. An all-skip frame (tens of bytes)
 * says the encoder has nothing left to refine.
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
  #settled = true;
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

  /** An encoded video frame of the shared worker (every worker encodes the same screen alike). */
  frame(bytes: number): void {
    this.#settled = bytes <= SETTLED_BYTES;
    if (this.#settled && this.#timer !== undefined) this.request(false);
  }

  /** Drops the pending timer. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #set(active: boolean): void {
    if (active === this.#applied) return;
    this.#applied = active;
    this.#apply(active);
  }
}
