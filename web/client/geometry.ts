/**
 * Geometry between the browser and the remote screen: letterboxed content boxes, pointer mapping,
 * and the screen size to request for a window.
 *
 * @module
 */
import { fitScreenSize, SCREEN_LIMITS } from "../../protocol/screen.ts";

/** A width and height. */
export interface Size {
  width: number;
  height: number;
}

/** A rectangle in CSS pixels (as from `getBoundingClientRect`). */
export interface Box extends Size {
  left: number;
  top: number;
}

/**
 * Returns where content of `content` size is drawn inside `element` under `object-fit: contain`
 * (scaled to fit, centred, letterboxed).
 *
 * @example
 * ```ts
 * import { containBox } from "./geometry.ts";
 * containBox({ left: 0, top: 0, width: 1000, height: 600 }, { width: 320, height: 240 });
 * // { left: 100, top: 0, width: 800, height: 600 }
 * ```
 */
export function containBox(element: Box, content: Size): Box {
  if (content.width <= 0 || content.height <= 0) return { ...element };
  const scale = Math.min(element.width / content.width, element.height / content.height);
  const width = content.width * scale;
  const height = content.height * scale;
  return {
    left: element.left + (element.width - width) / 2,
    top: element.top + (element.height - height) / 2,
    width,
    height,
  };
}

/**
 * Maps a pointer position in CSS pixels (client coordinates) to X screen pixels, clamped to the screen.
 * `content` is the video's intrinsic size; `screen` the X screen size (they differ when the encoder scales).
 *
 * @example
 * ```ts
 * import { toScreen } from "./geometry.ts";
 * const element = { left: 0, top: 0, width: 1000, height: 600 };
 * toScreen(350, 125, element, { width: 320, height: 240 }, { width: 320, height: 240 }); // { x: 100, y: 50 }
 * ```
 */
export function toScreen(
  clientX: number,
  clientY: number,
  element: Box,
  content: Size,
  screen: Size,
): { x: number; y: number } {
  const box = containBox(element, content);
  const fx = box.width > 0 ? (clientX - box.left) / box.width : 0;
  const fy = box.height > 0 ? (clientY - box.top) / box.height : 0;
  return {
    x: clamp(floor(fx * screen.width), 0, Math.max(0, screen.width - 1)),
    y: clamp(floor(fy * screen.height), 0, Math.max(0, screen.height - 1)),
  };
}

/**
 * Returns how many X pixels one CSS pixel of pointer motion covers (for relative motion under pointer lock).
 *
 * @example
 * ```ts
 * import { screenPixelsPerCssPixel } from "./geometry.ts";
 * screenPixelsPerCssPixel({ left: 0, top: 0, width: 640, height: 480 }, { width: 1280, height: 960 }); // 2
 * ```
 */
export function screenPixelsPerCssPixel(element: Box, screen: Size): number {
  const box = containBox(element, screen);
  return box.width > 0 ? screen.width / box.width : 1;
}

export { SCREEN_LIMITS } from "../../protocol/screen.ts";

/**
 * Returns the screen size (device pixels, even, within the shared screen limits) that fills a window of
 * `cssWidth` x `cssHeight` CSS pixels at `devicePixelRatio`.
 *
 * @example
 * ```ts
 * import { screenSizeFor } from "./geometry.ts";
 * screenSizeFor(1001, 601, 1.5); // { width: 1500, height: 900 }
 * ```
 */
export function screenSizeFor(cssWidth: number, cssHeight: number, devicePixelRatio: number): Size {
  const dpr = Number.isFinite(devicePixelRatio) && devicePixelRatio > 0 ? devicePixelRatio : 1;
  // Past the screen limits, fewer device pixels per CSS pixel keep the window's shape: a portrait phone at
  // DPR 3 (390x844 CSS) gets 998x2160, not a letterboxed 1170x2160; never fewer than one, though.
  const room = Math.min(SCREEN_LIMITS.maxWidth / cssWidth, SCREEN_LIMITS.maxHeight / cssHeight);
  const ratio = Math.min(dpr, Math.max(1, Number.isFinite(room) ? room : 1));
  return fitScreenSize(floor(cssWidth * ratio), floor(cssHeight * ratio));
}

/** How the view is zoomed and panned: scaled by `scale` about the stage's top-left corner, then moved. */
export interface ViewZoom {
  /** 1 shows the whole picture; more magnifies it. */
  scale: number;
  /** Horizontal shift in CSS pixels (0 or negative: the picture never leaves a gap at the stage's edge). */
  x: number;
  /** Vertical shift in CSS pixels. */
  y: number;
}

/** The largest view zoom: one X pixel on a phone at 8x is still several CSS pixels wide. */
export const MAX_VIEW_ZOOM = 8;

/**
 * Zooms a view by `factor` about a point of the stage (stage-local CSS pixels) and pans it by (panX, panY),
 * keeping the stage covered: the zoom stays within 1..{@linkcode MAX_VIEW_ZOOM} and the picture's edges never
 * come inside the stage's. As CSS `transform: translate(x px, y px) scale(scale)` with origin `0 0` on the
 * element that fills the stage, its `getBoundingClientRect()` is the zoomed box, so {@linkcode toScreen} maps
 * through the zoom with no change.
 *
 * @example
 * ```ts
 * import { zoomView } from "./geometry.ts";
 * const stage = { width: 400, height: 800 };
 * const view = zoomView({ scale: 1, x: 0, y: 0 }, { factor: 2, x: 100, y: 200, panX: 0, panY: 0 }, stage);
 * // { scale: 2, x: -100, y: -200 }: the point under the fingers stays under them
 * ```
 */
export function zoomView(
  view: ViewZoom,
  change: { factor: number; x: number; y: number; panX: number; panY: number },
  stage: Size,
): ViewZoom {
  const factor = Number.isFinite(change.factor) && change.factor > 0 ? change.factor : 1;
  const scale = clamp(view.scale * factor, 1, MAX_VIEW_ZOOM);
  // The picture point under (x, y) stays under the fingers, which moved by the pan.
  const x = change.x + change.panX - (change.x - view.x) * (scale / view.scale);
  const y = change.y + change.panY - (change.y - view.y) * (scale / view.scale);
  return {
    scale,
    // `|| 0`: no -0 (a view at rest reads as { scale: 1, x: 0, y: 0 }).
    x: clamp(x, stage.width * (1 - scale), 0) || 0,
    y: clamp(y, stage.height * (1 - scale), 0) || 0,
  };
}

/** Floors, forgiving float error just below an integer (225.5 / 450 * 900 = 450.9999...). */
function floor(v: number): number {
  return Math.floor(v + 1e-9);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
