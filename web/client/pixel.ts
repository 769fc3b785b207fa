/**
 * Reads back pixels of the picture on screen, so tests can check a known pattern end to end.
 *
 * @module
 */

/**
 * Returns the RGBA of one pixel, in picture coordinates, of a canvas or a playing video element;
 * `undefined` while nothing is shown.
 *
 * @example
 * ```ts
 * import { readPixel } from "./pixel.ts";
 * readPixel(document.querySelector("canvas")!, 10, 10); // [255, 255, 255, 255]
 * ```
 */
export function readPixel(
  source: HTMLCanvasElement | HTMLVideoElement,
  x: number,
  y: number,
): number[] | undefined {
  if (source instanceof HTMLCanvasElement) {
    if (!source.width) return undefined;
    return [...source.getContext("2d")!.getImageData(x, y, 1, 1).data];
  }
  if (!source.videoWidth) return undefined;
  const scratch = new OffscreenCanvas(source.videoWidth, source.videoHeight);
  const ctx = scratch.getContext("2d")!;
  ctx.drawImage(source, 0, 0);
  return [...ctx.getImageData(x, y, 1, 1).data];
}
