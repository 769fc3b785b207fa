/**
 * The calibration page: it draws the time code itself, on a 60 Hz timer (as frames arriving from a
 * network would), and the same probe reads it back. What it measures is the floor of the method:
 * the wait for the next animation frame, the readback, and the display's frame rate.
 *
 * @module
 */
import { BLOCK, CODE_HEIGHT, encodeTimeCode, KEY_BITS, TIME_BITS } from "./timecode.ts";

/**
 * The HTML of the calibration page for a screen of the given size.
 *
 * @example
 * ```ts
 * import { calibrationPage } from "./calibration.ts";
 * calibrationPage(1920, 1080).startsWith("<!doctype html>"); // true
 * ```
 */
export function calibrationPage(width: number, height: number): string {
  const script = `
const TIME_BITS = ${TIME_BITS}, KEY_BITS = ${KEY_BITS}, BLOCK = ${BLOCK};
const encode = ${encodeTimeCode.toString()};
const canvas = document.getElementById("screen");
const ctx = canvas.getContext("2d");
let keys = 0;
addEventListener("keydown", () => { keys++; draw(); });
function draw() {
  const bits = encode({ time: Date.now() % 2 ** 24, keys: keys % 16 });
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, BLOCK * bits.length, ${CODE_HEIGHT});
  ctx.fillStyle = "#fff";
  bits.forEach((bit, c) => ctx.fillRect(c * BLOCK, bit ? 0 : BLOCK, BLOCK, BLOCK));
}
setInterval(draw, 1000 / 60);`;
  return `<!doctype html><html><body style="margin:0;background:#2e3440">
<canvas id="screen" width="${width}" height="${height}"></canvas><script>${script}</script></body></html>`;
}

/** A served calibration page. */
export interface CalibrationServer {
  /** Its URL on 127.0.0.1. */
  url: string;
  /** Stops serving. */
  stop(): Promise<void>;
}

/**
 * Serves the calibration page on a free loopback port (a real navigation, so the probe is
 * installed the same way as for the remote desktops).
 *
 * @example
 * ```ts
 * import { serveCalibration } from "./calibration.ts";
 * const cal = serveCalibration(640, 480);
 * await cal.stop();
 * ```
 */
export function serveCalibration(width: number, height: number): CalibrationServer {
  const html = calibrationPage(width, height);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } }),
  );
  return { url: `http://127.0.0.1:${server.addr.port}/`, stop: () => server.shutdown() };
}
