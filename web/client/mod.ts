/**
 * The browser client's pure building blocks, for reuse outside the page (gateway, benchmark, tests).
 * The page itself is `main.ts`, bundled to `dist/client.js` and served by `streamer/server`.
 *
 * @example
 * ```ts
 * import { keysymFromKey, toScreen } from "./mod.ts";
 * keysymFromKey({ key: "Escape", code: "Escape" }); // 0xff1b
 * toScreen(5, 5, { left: 0, top: 0, width: 10, height: 10 }, { width: 10, height: 10 }, { width: 100, height: 100 });
 * ```
 *
 * @module
 */
export { type KeyLike, keysymFromChar, keysymFromKey } from "./keysym.ts";
export {
  type Box,
  containBox,
  SCREEN_LIMITS,
  screenPixelsPerCssPixel,
  screenSizeFor,
  type Size,
  toScreen,
} from "./geometry.ts";
export { DeltaMode, WheelAccumulator } from "./wheel.ts";
export { cursorCss, type CursorMessage } from "./cursor.ts";
export { socketUrl } from "./connection.ts";
export { createStats, RateMeter, type SelkiesStats } from "./stats.ts";
export { statusLine } from "./overlay.ts";
