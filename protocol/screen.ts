/**
 * Screen sizes every side agrees on, in one place: the job spec refuses a `--geometry` outside them
 * at submit/render time (not on the compute node after the queue), the streamer allocates its Xvfb
 * framebuffer at the maximum (RANDR resizes are clamped to that framebuffer), the protocol's
 * `resize` message and the browser client stay within them.
 *
 * Why 3840x2160: Xvfb allocates its framebuffer at the largest size up front, for every session. A
 * 4K framebuffer costs ~24 MB more than 1080p; 8K would cost ~120 MB per session.
 * Sizes are even because the H.264 encoders (4:2:0 chroma) need even widths and heights.
 *
 * @module
 */

/** A screen size in pixels. */
export interface ScreenSize {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/**
 * Smallest and largest screen a session may have (initial geometry and every resize).
 *
 * @example
 * ```ts
 * import { SCREEN_LIMITS } from "./screen.ts";
 * SCREEN_LIMITS.maxWidth; // 3840
 * ```
 */
export const SCREEN_LIMITS = { minWidth: 64, minHeight: 64, maxWidth: 3840, maxHeight: 2160 } as const;

/**
 * The allowed sizes in words, for messages: `even numbers from 64x64 to 3840x2160`.
 *
 * @example
 * ```ts
 * import { SCREEN_RANGE } from "./screen.ts";
 * `geometry must be ${SCREEN_RANGE}`;
 * ```
 */
export const SCREEN_RANGE: string =
  `even numbers from ${SCREEN_LIMITS.minWidth}x${SCREEN_LIMITS.minHeight} ` +
  `to ${SCREEN_LIMITS.maxWidth}x${SCREEN_LIMITS.maxHeight}`;

/**
 * Whether a screen size is allowed: whole, even, and within {@linkcode SCREEN_LIMITS}.
 *
 * @example
 * ```ts
 * import { screenSizeAllowed } from "./screen.ts";
 * screenSizeAllowed({ width: 1920, height: 1080 }); // true
 * screenSizeAllowed({ width: 7680, height: 4320 }); // false: above the maximum
 * ```
 */
export function screenSizeAllowed(size: ScreenSize): boolean {
  const { width, height } = size;
  const l = SCREEN_LIMITS;
  return Number.isInteger(width) && Number.isInteger(height) && width % 2 === 0 && height % 2 === 0 &&
    width >= l.minWidth && height >= l.minHeight && width <= l.maxWidth && height <= l.maxHeight;
}

/**
 * The allowed size nearest below a wanted one: each side rounded down to even and clamped to
 * {@linkcode SCREEN_LIMITS}.
 *
 * @example
 * ```ts
 * import { fitScreenSize } from "./screen.ts";
 * fitScreenSize(1501, 20); // { width: 1500, height: 64 }
 * fitScreenSize(10000, 5000); // { width: 3840, height: 2160 }
 * ```
 */
export function fitScreenSize(width: number, height: number): ScreenSize {
  const fit = (v: number, lo: number, hi: number) =>
    Math.min(hi, Math.max(lo, Math.floor((Number.isFinite(v) ? v : lo) / 2) * 2));
  return {
    width: fit(width, SCREEN_LIMITS.minWidth, SCREEN_LIMITS.maxWidth),
    height: fit(height, SCREEN_LIMITS.minHeight, SCREEN_LIMITS.maxHeight),
  };
}
