import assert from "node:assert/strict";
import {
  containBox,
  MAX_VIEW_ZOOM,
  SCREEN_LIMITS,
  screenPixelsPerCssPixel,
  screenSizeFor,
  toScreen,
  zoomView,
} from "./geometry.ts";

const wide = { left: 0, top: 0, width: 1000, height: 600 };
const qvga = { width: 320, height: 240 };

Deno.test("containBox letterboxes left and right in a wide element", () => {
  assert.deepEqual(containBox(wide, qvga), { left: 100, top: 0, width: 800, height: 600 });
});

Deno.test("containBox letterboxes top and bottom in a tall element, keeping the element offset", () => {
  assert.deepEqual(
    containBox({ left: 10, top: 20, width: 400, height: 1000 }, { width: 800, height: 400 }),
    { left: 10, top: 420, width: 400, height: 200 },
  );
});

Deno.test("toScreen maps through the letterbox to X pixels", () => {
  assert.deepEqual(toScreen(350, 125, wide, qvga, qvga), { x: 100, y: 50 });
  assert.deepEqual(toScreen(100, 0, wide, qvga, qvga), { x: 0, y: 0 });
  assert.deepEqual(toScreen(899.9, 599.9, wide, qvga, qvga), { x: 319, y: 239 });
});

Deno.test("toScreen clamps positions in the black bars to the screen edge", () => {
  assert.deepEqual(toScreen(20, 300, wide, qvga, qvga), { x: 0, y: 120 });
  assert.deepEqual(toScreen(990, -5, wide, qvga, qvga), { x: 319, y: 0 });
});

Deno.test("toScreen scales when the video is smaller than the X screen", () => {
  // A 1920x1080 desktop encoded at 960x540, shown 1:1 in a 960x540 element.
  const element = { left: 0, top: 0, width: 960, height: 540 };
  assert.deepEqual(toScreen(480, 270, element, { width: 960, height: 540 }, { width: 1920, height: 1080 }), {
    x: 960,
    y: 540,
  });
});

Deno.test("toScreen on a HiDPI display: CSS pixels map to twice as many device pixels", () => {
  // Window 800x450 CSS at devicePixelRatio 2 asked for a 1600x900 screen.
  const element = { left: 0, top: 0, width: 800, height: 450 };
  const screen = screenSizeFor(800, 450, 2);
  assert.deepEqual(screen, { width: 1600, height: 900 });
  assert.deepEqual(toScreen(400.5, 225.5, element, screen, screen), { x: 801, y: 451 });
  assert.equal(screenPixelsPerCssPixel(element, screen), 2);
});

Deno.test("screenSizeFor rounds down to even sizes and clamps to protocol limits", () => {
  assert.deepEqual(screenSizeFor(1001, 601, 1.5), { width: 1500, height: 900 });
  assert.deepEqual(screenSizeFor(333, 211, 1), { width: 332, height: 210 });
  assert.deepEqual(screenSizeFor(10, 10, 1), { width: 64, height: 64 });
  assert.deepEqual(screenSizeFor(5000, 3000, 2), {
    width: SCREEN_LIMITS.maxWidth,
    height: SCREEN_LIMITS.maxHeight,
  });
  assert.deepEqual(screenSizeFor(640, 480, Number.NaN), { width: 640, height: 480 });
});

Deno.test("screenSizeFor keeps the window's shape when device pixels exceed the screen limits", () => {
  // A portrait phone at DPR 3: 1170x2532 device pixels; the height limit allows 2160/844 per CSS pixel.
  assert.deepEqual(screenSizeFor(390, 844, 3), { width: 998, height: 2160 });
  assert.deepEqual(screenSizeFor(1920, 1080, 2), { width: 3840, height: 2160 });
  // Never below one device pixel per CSS pixel: a window larger than the limits is clamped as before.
  assert.deepEqual(screenSizeFor(4000, 1000, 2), { width: SCREEN_LIMITS.maxWidth, height: 1000 });
});

Deno.test("zoomView keeps the point under the fingers there, follows their pan, and covers the stage", () => {
  const stage = { width: 400, height: 800 };
  const rest = { scale: 1, x: 0, y: 0 };
  const zoomed = zoomView(rest, { factor: 2, x: 100, y: 200, panX: 0, panY: 0 }, stage);
  assert.deepEqual(zoomed, { scale: 2, x: -100, y: -200 });
  // The picture point under (100,200) before, (100-(-100))/2 = 100 of the unzoomed picture, is still there.
  assert.equal((100 - zoomed.x) / zoomed.scale, 100);
  assert.deepEqual(zoomView(zoomed, { factor: 1, x: 0, y: 0, panX: 30, panY: -50 }, stage), {
    scale: 2,
    x: -70,
    y: -250,
  });
  // Panning past the edge stops at it; zooming out past 1 comes back to rest.
  assert.deepEqual(zoomView(zoomed, { factor: 1, x: 0, y: 0, panX: 500, panY: -5000 }, stage), {
    scale: 2,
    x: 0,
    y: -800,
  });
  assert.deepEqual(zoomView(zoomed, { factor: 0.1, x: 200, y: 400, panX: 0, panY: 0 }, stage), rest);
  assert.equal(zoomView(rest, { factor: 100, x: 0, y: 0, panX: 0, panY: 0 }, stage).scale, MAX_VIEW_ZOOM);
  assert.deepEqual(zoomView(rest, { factor: Number.NaN, x: 0, y: 0, panX: 0, panY: 0 }, stage), rest);
});
