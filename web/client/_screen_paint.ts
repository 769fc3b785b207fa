/**
 * Paints the operations of one screen update onto the canvas, in order, once its pictures are decoded.
 *
 * @module
 */
import type { ScreenOp } from "../../protocol/screen_update.ts";
import type { VideoOverlay } from "./_video_overlay.ts";

/** A decoded `image` (ImageBitmap) or `video` (VideoFrame) operation; closed once painted. */
export type Picture = ImageBitmap | VideoFrame;

/**
 * Closes decoded pictures (their memory is the decoder's or the GPU process's, not the garbage collector's).
 *
 * @example
 * ```ts
 * import { closeAll } from "./_screen_paint.ts";
 * closeAll([await createImageBitmap(new ImageData(1, 1)), undefined]);
 * ```
 */
export function closeAll(pictures: (Picture | undefined)[]): void {
  for (const picture of pictures) picture?.close();
}

/**
 * Draws updates onto a canvas, pixel for pixel (no smoothing: the page scales the canvas with CSS).
 *
 * @example
 * ```ts
 * import { ScreenPainter } from "./_screen_paint.ts";
 * const painter = new ScreenPainter(document.querySelector("canvas")!);
 * painter.paint([{ op: "size", width: 64, height: 32 }, { op: "fill", x: 0, y: 0, w: 64, h: 32, rgb: [0, 0, 0] }], []);
 * ```
 */
export class ScreenPainter {
  readonly #canvas: HTMLCanvasElement;
  readonly #ctx: CanvasRenderingContext2D;
  #scratch: OffscreenCanvasRenderingContext2D | undefined;
  readonly #overlay: VideoOverlay | undefined;
  /** The picture the overlay shows, kept to be drawn onto the canvas before anything else is. */
  #held: VideoFrame | undefined;

  /**
   * `overlay`: where an update that is one full-screen video picture is shown instead of the canvas (the
   * main thread skips its I420 to RGBA draw); the canvas gets the picture when the next update paints.
   */
  constructor(canvas: HTMLCanvasElement, overlay?: VideoOverlay) {
    this.#canvas = canvas;
    this.#ctx = canvas.getContext("2d", { alpha: false })!;
    this.#overlay = overlay;
  }

  /** Paints `ops` in order; `pictures[i]` is the decoded picture of `ops[i]`. Closes every picture. */
  paint(ops: ScreenOp[], pictures: (Picture | undefined)[]): void {
    const canvas = this.#canvas, ctx = this.#ctx;
    let overlaid = false;
    try {
      // Reset by every resize of the canvas (also the H.264 path's): set it for each update.
      ctx.imageSmoothingEnabled = false;
      const lone = this.#overlay ? loneVideo(ops) : -1;
      ops.forEach((op, i) => {
        if (op.op === "codec") return;
        if (op.op === "size") {
          if (canvas.width !== op.width || canvas.height !== op.height) {
            canvas.width = op.width;
            canvas.height = op.height;
            ctx.imageSmoothingEnabled = false;
            this.#drop(); // a key update: it paints the whole screen
          }
          return;
        }
        if (i === lone && this.#present(op, pictures[i])) {
          pictures[i] = undefined; // the overlay has it
          overlaid = true;
          return;
        }
        this.#materialize();
        if (op.op === "copy") {
          // The region as it was before this operation, through a scratch canvas: drawing the canvas onto
          // itself is right too, but Chromium then snapshots the whole canvas (measured at 1080p: 8-13 ms
          // per scroll, 4-5 ms even for a 200x100 copy, against 2.4 and 0.05 ms through the scratch).
          const scratch = this.#scratchFor(op.w, op.h);
          scratch.drawImage(canvas, op.sx, op.sy, op.w, op.h, 0, 0, op.w, op.h);
          ctx.drawImage(scratch.canvas, 0, 0, op.w, op.h, op.dx, op.dy, op.w, op.h);
        } else if (op.op === "fill") {
          ctx.fillStyle = `rgb(${op.rgb[0]},${op.rgb[1]},${op.rgb[2]})`;
          ctx.fillRect(op.x, op.y, op.w, op.h);
        } else if (op.op === "image" || op.op === "video") {
          ctx.drawImage(pictures[i]!, op.x, op.y, op.w, op.h);
        }
      });
    } finally {
      closeAll(pictures);
      if (!overlaid && this.#overlay?.showing) {
        this.#materialize(); // an update with nothing to draw (a size) still ends the overlay's turn
        this.#overlay.hide();
      }
    }
  }

  /** Frees the scratch canvas and the held picture (the session ended). */
  release(): void {
    this.#scratch = undefined;
    this.#drop();
    this.#overlay?.hide();
  }

  /** Shows a full-screen video picture on the overlay when it fits the canvas pixel for pixel. */
  #present(op: ScreenOp, picture: Picture | undefined): boolean {
    const canvas = this.#canvas;
    if (
      op.op !== "video" || !(picture instanceof VideoFrame) || op.x !== 0 || op.y !== 0 ||
      op.w !== canvas.width || op.h !== canvas.height || picture.displayWidth !== op.w ||
      picture.displayHeight !== op.h
    ) return false;
    this.#held?.close();
    this.#held = picture.clone();
    this.#overlay!.show(picture);
    return true;
  }

  /** Draws the overlay's picture onto the canvas: what follows paints on top of what the viewer sees. */
  #materialize(): void {
    if (!this.#held) return;
    this.#ctx.drawImage(this.#held, 0, 0);
    this.#drop();
  }

  #drop(): void {
    this.#held?.close();
    this.#held = undefined;
  }

  /** The scratch canvas of copies, at least `w` x `h` (it only grows: a scroll copies the same size again). */
  #scratchFor(w: number, h: number): OffscreenCanvasRenderingContext2D {
    const now = this.#scratch?.canvas;
    if (!now || now.width < w || now.height < h) {
      const scratch = new OffscreenCanvas(Math.max(w, now?.width ?? 0), Math.max(h, now?.height ?? 0));
      this.#scratch = scratch.getContext("2d", { alpha: false })!;
    }
    return this.#scratch!;
  }
}

/** The index of an update's only drawing operation when it is `video`, else -1. */
function loneVideo(ops: readonly ScreenOp[]): number {
  let found = -1;
  for (const [i, op] of ops.entries()) {
    if (op.op === "size" || op.op === "codec") continue;
    if (op.op !== "video" || found >= 0) return -1;
    found = i;
  }
  return found;
}
