/**
 * The benchmark's content program, run on the display under test (`DISPLAY`):
 * `deno run -A bench/content/stamp.ts motion|text|idle|region|scroll|code`.
 *
 * - motion: a full-screen texture panning at 60 fps;
 * - text: an xterm scrolling 30 lines per second over a plain background;
 * - idle: a plain background; only the time code changes, twice a second;
 * - region: a still screen of text where only a 640x120 status panel (next to the time code) changes at
 *   60 Hz (see _region.ts);
 * - scroll: an xterm filling the screen, scrolling one row per frame (60 lines/s) of varied log lines;
 * - code: an xterm printing syntax-highlighted Python source (ANSI colours) at 30 lines/s;
 * - window: the motion texture panning at 60 fps in a window over ~40 % of the screen, next to an xterm of
 *   still text (a movie or a GL viewport on a still desktop, see _window.ts).
 *
 * The terminals are in _terminal.ts. In every mode the time code changes at 60 Hz (twice a second when
 * idle) and is, with the content named, the only change.
 *
 * Every mode draws the time code (see ../timecode.ts) in the top-left corner and counts key
 * presses into it right away, which is what input-to-photon latency is measured against.
 *
 * @module
 */
import { BLOCK, CODE_HEIGHT, CODE_WIDTH, encodeTimeCode } from "../timecode.ts";
import { drawPanelBackground, drawPanelFrame, PANEL_HEIGHT } from "./_region.ts";
import { startTerminal } from "./_terminal.ts";
import { plasmaTexture } from "./_texture.ts";
import { TITLE_HEIGHT, windowLayout } from "./_window.ts";
import { XClient } from "./_xlib.ts";

/** The kinds of content the benchmark plays. */
export const CONTENT_MODES = ["motion", "text", "idle", "region", "scroll", "code", "window"] as const;
/** One kind of content. */
export type ContentMode = typeof CONTENT_MODES[number];

const BACKGROUND = 0x2e3440;
const PAN = 256; // how far the texture travels, pixels
const GAP = 8; // between the time code (or the panel) and a terminal, pixels
/** The region mode's panel: right of the time code, at the top. */
const PANEL_AT = { x: CODE_WIDTH + 16, y: 0 };

function main(mode: ContentMode): void {
  const x = new XClient();
  const { width, height } = x;
  x.fill(BACKGROUND, 0, 0, width, height);
  x.focus();
  let term: Deno.ChildProcess | undefined;
  const { movie, terminal } = windowLayout(width, height, CODE_HEIGHT);
  if (mode === "text" || mode === "scroll" || mode === "code") {
    const top = CODE_HEIGHT + GAP;
    term = startTerminal(mode, { x: 0, y: top, width, height: height - top });
  } else if (mode === "region") {
    const top = PANEL_HEIGHT + GAP;
    term = startTerminal("still", { x: 0, y: top, width, height: height - top });
    drawPanelBackground(x.fill.bind(x), PANEL_AT);
  } else if (mode === "window") {
    term = startTerminal("still", terminal);
    x.fill(0x4c566a, movie.x, movie.y - TITLE_HEIGHT, movie.w, TITLE_HEIGHT); // the window's title bar
  }
  const [tw, th] = mode === "window" ? [movie.w, movie.h] : [width, height];
  const texture = mode === "motion" || mode === "window"
    ? x.uploadPixmap(plasmaTexture(tw + PAN, th + PAN), tw + PAN, th + PAN)
    : 0n;
  const interval = mode === "idle" ? 500 : 1000 / 60;
  let keys = 0;
  let frame = 0;
  let next = performance.now();
  const start = performance.now();

  const drawCode = () => {
    const bits = encodeTimeCode({ time: Date.now() % 2 ** 24, keys: keys % 16 });
    x.fill(0x000000, 0, 0, CODE_WIDTH, CODE_HEIGHT);
    bits.forEach((bit, c) => x.fill(0xffffff, c * BLOCK, bit ? 0 : BLOCK, BLOCK, BLOCK));
  };
  const tick = () => {
    const pressed = x.takeKeyPresses();
    keys += pressed;
    const now = performance.now();
    if (now >= next) {
      next = Math.max(next + interval, now - interval);
      const t = (now - start) / 1000;
      const sx = Math.round(PAN / 2 * (1 + Math.sin(t * 2.1)));
      const sy = Math.round(PAN / 2 * (1 + Math.cos(t * 1.3)));
      if (mode === "window") x.copy(texture, sx, sy, movie.w, movie.h, movie.x, movie.y);
      else if (mode === "motion") {
        // Two copies that leave the code's corner alone, so no frame shows it half drawn.
        x.copy(texture, sx + CODE_WIDTH, sy, width - CODE_WIDTH, CODE_HEIGHT, CODE_WIDTH, 0);
        x.copy(texture, sx, sy + CODE_HEIGHT, width, height - CODE_HEIGHT, 0, CODE_HEIGHT);
      } else if (mode === "region") {
        drawPanelFrame(x.fill.bind(x), PANEL_AT, frame, now - start);
      }
      frame++;
      drawCode();
      x.flush();
    } else if (pressed > 0) {
      drawCode();
      x.flush();
    }
    setTimeout(tick, 4);
  };
  const stop = () => {
    try {
      term?.kill("SIGTERM");
    } catch { /* already gone */ }
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  tick();
}

if (import.meta.main) {
  const mode = Deno.args[0] as ContentMode;
  if (!CONTENT_MODES.includes(mode)) {
    console.error(`usage: stamp.ts ${CONTENT_MODES.join("|")}`);
    Deno.exit(2);
  }
  main(mode);
}
