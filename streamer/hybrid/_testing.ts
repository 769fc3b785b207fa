// Test helpers (pure logic only): synthetic BGRX frames with rectangles and "text", and a viewer that applies
// plans to its own canvas, the way the browser compositor does, so a test can check a plan is complete.
import assert from "node:assert/strict";
import type { Rect } from "../../protocol/screen_update.ts";
import type { Frame } from "./frame.ts";
import type { Plan, PlannedOp } from "./plan.ts";
import { HybridPlanner } from "./planner.ts";

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

/** Paints photo-like pixels (a smooth pattern plus noise: hundreds of colours) into a rectangle. */
export function photo(f: Frame, r: Rect, seed: number): void {
  let s = seed * 2654435761 >>> 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const v = 128 + 60 * Math.sin((x + seed) / 13) * Math.cos(y / 7) + ((s >>> 24) % 31) - 15;
      setPixel(f, x, y, (v << 16) | ((v * 0.8) << 8) | (255 - v));
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
      const r = plan.region ?? { x: 0, y: 0, w: frame.width, h: frame.height };
      for (let y = r.y; y < r.y + r.h; y++) {
        for (let x = r.x; x < r.x + r.w; x++) this.px[y * this.width + x] = pixel(frame, x, y) ^ 1;
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

// The planner tests' screen and checks.

export const W = 640, H = 480;
export const FULL: Rect = { x: 0, y: 0, w: W, h: H };
export const BG = 0x202020;

/** A started planner, the viewer that got its keyframe, and the frame. */
export function start(frame = solidFrame(W, H, BG)) {
  const planner = new HybridPlanner();
  const viewer = new FakeViewer();
  viewer.apply(planner.keyframe(frame), frame);
  return { planner, viewer, frame };
}

/** Whether the planner's own copy equals the frame (colour bits). */
export function screenEquals(planner: HybridPlanner, f: Frame): boolean {
  const s = planner.screen!;
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      if ((s.px[y * s.stride + x] & 0xffffff) !== pixel(f, x, y)) return false;
    }
  }
  return true;
}

/** Applies only the copies of `ops` to a copy of the viewer's canvas: every pixel they write is the frame's. */
export function copiesExact(viewer: FakeViewer, ops: PlannedOp[], next: Frame): void {
  const canvas = new FakeViewer();
  canvas.apply({
    ops: [{ op: "size", width: viewer.width, height: viewer.height }],
    video: false,
    key: false,
  }, next);
  canvas.px.set(viewer.px);
  const copies = ops.filter((o) => o.op === "copy");
  canvas.apply({ ops: copies, video: false, key: false }, next);
  for (const c of copies) {
    for (let y = c.dy; y < c.dy + c.h; y++) {
      for (let x = c.dx; x < c.dx + c.w; x++) {
        assert.equal(canvas.px[y * canvas.width + x], pixel(next, x, y));
      }
    }
  }
}

export const kinds = (ops: PlannedOp[]) => ops.map((o) => o.op === "tile" ? `${o.op}:${o.quality}` : o.op);
