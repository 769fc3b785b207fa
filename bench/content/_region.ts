/**
 * The small changing area of the `region` content: a 640x120 status panel (progress bar, a clock with
 * milliseconds, a level meter, a blinking cursor) redrawn every frame on an otherwise still screen, the
 * case where a full-screen video encoder pays for the whole screen to send a few kilobytes (issue 11).
 *
 * Every frame paints the parts that move with fills that never overlap, so a capture between two X
 * requests sees old or new pixels, never a cleared panel.
 *
 * @module
 */

/** Where the panel sits and how big it is, screen pixels. */
export interface PanelArea {
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
}

/** Width of the changing area, pixels. */
export const PANEL_WIDTH = 640;
/** Height of the changing area, pixels. */
export const PANEL_HEIGHT = 120;

/** Draws filled rectangles (0xRRGGBB): what the panel needs of the X client. */
export type Fill = (color: number, x: number, y: number, w: number, h: number) => void;

const PANEL = 0x3b4252;
const OFF = 0x434c5e;
const ON = 0x88c0d0;
const BAR = 0xa3be8c;
const METER = 0xebcb8b;
const PIXEL = 6; // one pixel of the 3x5 digit font, in screen pixels

// 3x5 digits, rows top to bottom, 3 bits each (MSB left).
const DIGITS = [
  [7, 5, 5, 5, 7],
  [2, 6, 2, 2, 7],
  [7, 1, 7, 4, 7],
  [7, 1, 7, 1, 7],
  [5, 5, 7, 1, 1],
  [7, 4, 7, 1, 7],
  [7, 4, 7, 5, 7],
  [7, 1, 1, 1, 1],
  [7, 5, 7, 5, 7],
  [7, 5, 7, 1, 7],
];
const CLOCK_DIGITS = 7; // seconds (4 digits) and milliseconds (3)
const METER_BARS = 24;

/**
 * Paints the panel's still parts once (its background).
 *
 * @example
 * ```ts
 * import { drawPanelBackground } from "./_region.ts";
 * drawPanelBackground((c, x, y, w, h) => console.log(c, x, y, w, h), { x: 528, y: 0 });
 * ```
 */
export function drawPanelBackground(fill: Fill, at: PanelArea): void {
  fill(PANEL, at.x, at.y, PANEL_WIDTH, PANEL_HEIGHT);
}

/**
 * Paints frame `frame` (60 per second) of the panel, `ms` the clock it shows.
 *
 * @example
 * ```ts
 * import { drawPanelFrame } from "./_region.ts";
 * drawPanelFrame((c, x, y, w, h) => console.log(c, x, y, w, h), { x: 528, y: 0 }, 42, 700);
 * ```
 */
export function drawPanelFrame(fill: Fill, at: PanelArea, frame: number, ms: number): void {
  // Progress bar: fills across in two seconds, then starts again.
  const barWidth = PANEL_WIDTH - 16;
  const done = Math.round(((frame % 120) + 1) / 120 * barWidth);
  fill(BAR, at.x + 8, at.y + 8, done, 20);
  if (done < barWidth) fill(OFF, at.x + 8 + done, at.y + 8, barWidth - done, 20);

  // Clock: seconds and milliseconds, each digit a 3x5 grid of blocks.
  const text = String(Math.floor(ms) % 10_000_000).padStart(CLOCK_DIGITS, "0");
  for (let d = 0; d < CLOCK_DIGITS; d++) {
    const glyph = DIGITS[Number(text[d])];
    const left = at.x + 8 + d * 4 * PIXEL + (d >= 4 ? PIXEL : 0);
    for (let row = 0; row < 5; row++) {
      for (let col = 0; col < 3; col++) {
        const on = (glyph[row] >> (2 - col)) & 1;
        fill(on ? ON : OFF, left + col * PIXEL, at.y + 40 + row * PIXEL, PIXEL, PIXEL);
      }
    }
  }

  // Level meter: bars whose heights follow two waves.
  const meterLeft = at.x + 200;
  const meterHeight = 72;
  for (let b = 0; b < METER_BARS; b++) {
    const level = 0.5 + 0.3 * Math.sin(frame / 7 + b / 2) + 0.2 * Math.sin(frame / 3.1 + b * 1.7);
    const h = Math.max(2, Math.min(meterHeight, Math.round(level * meterHeight)));
    const left = meterLeft + b * 18;
    fill(OFF, left, at.y + 36, 14, meterHeight - h);
    fill(METER, left, at.y + 36 + meterHeight - h, 14, h);
  }

  // A blinking cursor (on for a quarter second, off for a quarter), below the clock.
  fill(Math.floor(frame / 15) % 2 ? ON : PANEL, at.x + 8, at.y + 84, 10, 24);
}
