/**
 * The `window` content's layout: a movie (the motion texture, panning at 60 fps) in a window covering about
 * 40 % of the screen, next to a terminal of still text: the case where "most of the screen moves" is false,
 * yet the moving area is far too large for image tiles (a GL viewport or a video player; issue 11, and the
 * 4K GPU run in docs/gpu.md that stayed in tiles at 18.5 fps).
 *
 * @module
 */

/** A rectangle in screen pixels. */
export interface WindowArea {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Share of the screen's width and height the movie takes (0.63 x 0.63 = 40 % of its area). */
const SIDE = 0.63;
/** The title bar above the movie, pixels. */
export const TITLE_HEIGHT = 24;

/**
 * Where the movie plays on a `width` x `height` screen (right of the terminal, below the time code and
 * the title bar, off the 64-pixel tile grid by a few pixels as a real window would be), and where the
 * terminal goes (left of it).
 *
 * @example
 * ```ts
 * import { windowLayout } from "./_window.ts";
 * windowLayout(1920, 1080).movie; // { x: 686, y: 338, w: 1210, h: 680 }
 * ```
 */
export function windowLayout(width: number, height: number, top = 32): {
  movie: WindowArea;
  terminal: { x: number; y: number; width: number; height: number };
} {
  const w = Math.round(width * SIDE), h = Math.round(height * SIDE);
  const x = width - w - 24, y = Math.max(top + TITLE_HEIGHT + 8, height - h - 62);
  return {
    movie: { x, y, w, h: Math.min(h, height - y) },
    terminal: { x: 0, y: top + 8, width: x - 16, height: height - top - 8 },
  };
}
