/**
 * When to hand the whole screen to the video encoder. Tiles win while a small part of the screen moves
 * (a clock, a progress bar, typing: a few small images against a full H.264 frame); video wins when much
 * of the screen moves (a 3D view, a movie): one inter-frame-compressed picture instead of hundreds of JPEG
 * tiles that each start from nothing.
 *
 * @module
 */

/** Tuning of {@linkcode VideoSwitch}. */
export interface VideoSwitchOptions {
  /**
   * Moving share of the screen (0..1) that counts towards entering video.
   * @default 0.4
   */
  enterShare?: number;
  /**
   * Consecutive updates at or above `enterShare` before video starts: one big update is a redraw (a window
   * opening), not motion.
   * @default 3
   */
  enterUpdates?: number;
  /**
   * Moving share below which video may end. Far below `enterShare`, so a share hovering near one threshold
   * does not flip the mode back and forth (each switch costs a keyframe or a full set of tiles).
   * @default 0.15
   */
  leaveShare?: number;
  /**
   * How long the share must stay below `leaveShare` before video ends.
   * @default 1000
   */
  leaveMs?: number;
}

/**
 * Decides, update by update, whether the screen is sent as full-frame video, with hysteresis.
 *
 * @example
 * ```ts
 * import { VideoSwitch } from "./video.ts";
 * const video = new VideoSwitch();
 * video.update(0.9, 0); video.update(0.9, 16);
 * video.update(0.9, 33); // true
 * video.update(0, 50); // true: still within a second of calm
 * video.update(0, 1050); // false
 * ```
 */
export class VideoSwitch {
  readonly #enterShare: number;
  readonly #enterUpdates: number;
  readonly #leaveShare: number;
  readonly #leaveMs: number;
  #on = false;
  #highRun = 0;
  #calmSince = -1;

  /** Creates a switch in tile mode. */
  constructor(options: VideoSwitchOptions = {}) {
    this.#enterShare = options.enterShare ?? 0.4;
    this.#enterUpdates = options.enterUpdates ?? 3;
    this.#leaveShare = options.leaveShare ?? 0.15;
    this.#leaveMs = options.leaveMs ?? 1000;
  }

  /** Whether video is on. */
  get on(): boolean {
    return this.#on;
  }

  /**
   * When video would end if nothing moves until then (so the caller can plan once more without damage);
   * null in tile mode or while the screen still moves.
   */
  get leaveAt(): number | null {
    return this.#on && this.#calmSince >= 0 ? this.#calmSince + this.#leaveMs : null;
  }

  /** Feeds one update's moving share of the screen (0..1) at `nowMs`; returns whether video is on. */
  update(share: number, nowMs: number): boolean {
    if (!this.#on) {
      this.#highRun = share >= this.#enterShare ? this.#highRun + 1 : 0;
      if (this.#highRun >= this.#enterUpdates) {
        this.#on = true;
        this.#calmSince = -1;
      }
    } else if (share >= this.#leaveShare) {
      this.#calmSince = -1;
    } else {
      if (this.#calmSince < 0) this.#calmSince = nowMs;
      if (nowMs - this.#calmSince >= this.#leaveMs) {
        this.#on = false;
        this.#highRun = 0;
      }
    }
    return this.#on;
  }

  /** Back to tile mode (a keyframe for a new viewer, a resize). */
  reset(): void {
    this.#on = false;
    this.#highRun = 0;
    this.#calmSince = -1;
  }
}
