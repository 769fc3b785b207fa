/**
 * A smooth, video-like texture (plasma plus mild grain) for the full-screen motion content.
 *
 * @module
 */

/**
 * Returns BGRX pixels of a `width` x `height` texture; deterministic for a given size.
 *
 * @example
 * ```ts
 * import { plasmaTexture } from "./_texture.ts";
 * plasmaTexture(4, 2).length; // 32
 * ```
 */
export function plasmaTexture(width: number, height: number): Uint8Array {
  const pixels = new Uint8Array(width * height * 4);
  const sx = Array.from(
    { length: width },
    (_, x) => [Math.sin(x / 41), Math.sin(x / 23 + 1), Math.cos(x / 67)],
  );
  const sy = Array.from(
    { length: height },
    (_, y) => [Math.cos(y / 37), Math.sin(y / 59 + 2), Math.sin(y / 29)],
  );
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    const [a, b, c] = sy[y];
    for (let x = 0; x < width; x++) {
      const [d, e, f] = sx[x];
      seed = (seed * 1103515245 + 12345) >>> 0;
      const grain = ((seed >>> 16) & 15) - 8;
      const i = (y * width + x) * 4;
      pixels[i] = clamp(128 + 60 * (a + f) + grain); // blue
      pixels[i + 1] = clamp(128 + 60 * (b * d + c) + grain); // green
      pixels[i + 2] = clamp(128 + 60 * (d + e * a) + grain); // red
    }
  }
  return pixels;
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}
