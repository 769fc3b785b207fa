import assert from "node:assert/strict";
import { fitScreenSize, SCREEN_LIMITS, SCREEN_RANGE, screenSizeAllowed } from "./screen.ts";

Deno.test("screenSizeAllowed takes even sizes within the limits only", () => {
  const { minWidth, minHeight, maxWidth, maxHeight } = SCREEN_LIMITS;
  for (const ok of [[minWidth, minHeight], [1920, 1080], [maxWidth, maxHeight]]) {
    assert.ok(screenSizeAllowed({ width: ok[0], height: ok[1] }), String(ok));
  }
  const bad = [[maxWidth + 2, 1080], [1920, maxHeight + 2], [7680, 4320], [0, 0], [62, 64], [1921, 1080], [
    1.5,
    64,
  ]];
  for (const [width, height] of bad) assert.ok(!screenSizeAllowed({ width, height }), `${width}x${height}`);
  assert.equal(SCREEN_RANGE, `even numbers from 64x64 to ${maxWidth}x${maxHeight}`);
});

Deno.test("fitScreenSize rounds down to even and clamps into the limits", () => {
  assert.deepEqual(fitScreenSize(1501, 901), { width: 1500, height: 900 });
  assert.deepEqual(fitScreenSize(10, 10), { width: 64, height: 64 });
  assert.deepEqual(fitScreenSize(10_000, 10_000), {
    width: SCREEN_LIMITS.maxWidth,
    height: SCREEN_LIMITS.maxHeight,
  });
  assert.deepEqual(fitScreenSize(Number.NaN, 100), { width: 64, height: 100 });
  const fitted = fitScreenSize(12345, 77);
  assert.ok(screenSizeAllowed(fitted));
});
