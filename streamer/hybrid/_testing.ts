// Test helpers (pure logic only): synthetic BGRX frames with rectangles and "text", and a viewer that applies
// plans to its own canvas, the way the browser compositor does, so a test can check a plan is complete.
import type { Rect } from "../../protocol/screen_update.ts";
import type { Frame } from "./frame.ts";
import type { Plan } from "./plan.ts";

/** A BGRX frame filled with one colour (0xRRGGBB), X bytes set to garbage on purpose. */
export function solidFrame(width: number, height: number, rgb: number, pad = 0): Frame {
  const stride = width * 4 + pad;
  const frame = { data: new Uint8Array(stride * height), width, height, stride };
  fill(frame, { x: 0, y: 0, w: width, h: height }, rgb);
  return frame;
}

/** A copy of a frame (same stride). */
export function cloneFrame(f: Frame): Frame {
  return { ...f, data: f.data.slice() };
}

/** Paints a rectangle of one colour (0xRRGGBB). */
export function fill(f: Frame, r: Rect, rgb: number): void {
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) setPixel(f, x, y, rgb);
  }
}

/** Sets one pixel (0xRRGGBB), with a changing X byte: the planner must ignore it. */
export function setPixel(f: Frame, x: number, y: number, rgb: number): void {
  const i = y * f.stride + x * 4;
  f.data[i] = rgb & 255;
  f.data[i + 1] = (rgb >> 8) & 255;
  f.data[i + 2] = (rgb >> 16) & 255;
  f.data[i + 3] = (x * 31 + y * 17) & 255;
}

/** The colour (0xRRGGBB) of one pixel. */
export function pixel(f: Frame, x: number, y: number): number {
  const i = y * f.stride + x * 4;
  return (f.data[i + 2] << 16) | (f.data[i + 1] << 8) | f.data[i];
}

/**
 * Draws one line of pseudo-text: `chars` 8x16 glyph cells from (x, y), each glyph's pixels chosen by
 * `seed`, so every line differs from every other (as terminal lines do).
 */
export function textLine(f: Frame, x: number, y: number, chars: number, seed: number, fg = 0xe0e0e0): void {
  let s = seed * 2654435761 >>> 0;
  for (let c = 0; c < chars; c++) {
    for (let gy = 2; gy < 14; gy++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      for (let gx = 1; gx < 7; gx++) if ((s >>> (gx + 8)) & 1) setPixel(f, x + c * 8 + gx, y + gy, fg);
    }
  }
}

/** A viewer's canvas: applies plans in order, taking tiles (and video) from the frame they were planned on. */
export class FakeViewer {
  px: Uint32Array = new Uint32Array(0);
  width = 0;
  height = 0;

  apply(plan: Plan, frame: Frame): void {
    if (plan.video) {
      this.#ensure(frame);
      for (let y = 0; y < frame.height; y++) {
        for (let x = 0; x < frame.width; x++) this.px[y * this.width + x] = pixel(frame, x, y) ^ 1;
      }
    }
    for (const op of plan.ops) {
      if (op.op === "size") {
        this.width = op.width;
        this.height = op.height;
        this.px = new Uint32Array(op.width * op.height).fill(0xff00ff);
      } else if (op.op === "copy") {
        const src = this.px.slice();
        for (let y = 0; y < op.h; y++) {
          for (let x = 0; x < op.w; x++) {
            this.px[(op.dy + y) * this.width + op.dx + x] = src[(op.sy + y) * this.width + op.sx + x];
          }
        }
      } else if (op.op === "fill") {
        const rgb = (op.rgb[0] << 16) | (op.rgb[1] << 8) | op.rgb[2];
        for (let y = op.y; y < op.y + op.h; y++) {
          this.px.fill(rgb, y * this.width + op.x, y * this.width + op.x + op.w);
        }
      } else {
        const noise = op.quality === "lossy" ? 1 : 0;
        for (let y = op.y; y < op.y + op.h; y++) {
          for (let x = op.x; x < op.x + op.w; x++) this.px[y * this.width + x] = pixel(frame, x, y) ^ noise;
        }
      }
    }
  }

  /** Pixels that differ from the frame (lossy ones included). */
  mismatches(frame: Frame): number {
    let n = 0;
    for (let y = 0; y < frame.height; y++) {
      for (let x = 0; x < frame.width; x++) if (this.px[y * this.width + x] !== pixel(frame, x, y)) n++;
    }
    return n;
  }

  #ensure(frame: Frame): void {
    if (this.width !== frame.width || this.height !== frame.height) throw new Error("video before size");
  }
}
