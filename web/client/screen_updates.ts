/**
 * The hybrid encoding's compositor: WebSocket video frames that carry screen updates (protocol/screen_update.ts)
 * painted onto the page's canvas, the one WebCodecsVideo draws to.
 *
 * Updates are deltas, so they are applied in order and each one whole: its images (and video regions) are
 * decoded first, in parallel, then every operation is drawn in one task, so the page never shows half an
 * update. Nothing queues: a key update (it starts with `size` and paints the whole screen) replaces the
 * updates still waiting before it, and the streamer keeps only a few in flight (protocol/pacing.ts); every
 * update is acknowledged, drawn or dropped. A malformed update or a picture that does not decode leaves the
 * screen as it was, asks for a key update and drops the deltas until it comes: a delta on top of a gap would
 * paint wrong pixels. Smoothing is off so lossless tiles stay exact (the page scales the canvas with CSS).
 *
 * @module
 */
import type { MediaFrame } from "../../protocol/protocol.ts";
import { decodeScreenUpdate, IMAGE_MIME, SCREEN_CODEC, type ScreenOp } from "../../protocol/screen_update.ts";
import { closeAll, type Picture, ScreenPainter } from "./_screen_paint.ts";
import { RegionDecoder } from "./_screen_video.ts";
import { VideoOverlay } from "./_video_overlay.ts";
import type { WebCodecsVideoOptions } from "./video_webcodecs.ts";

/** Options of {@linkcode ScreenUpdates}: the same callbacks as the H.264 path, so ws_media.ts treats both alike. */
export type ScreenUpdatesOptions = WebCodecsVideoOptions;

/** Keyframe requests are rate-limited while one is awaited: the encoder needs time to produce one. */
const KEYFRAME_REQUEST_MS = 1000;

/** An update accepted for drawing. */
interface Update {
  seq: number;
  /** When it arrived (`performance.now()`). */
  at: number;
  timestampUs: number;
  /** A key update: starts with `size`, paints the whole screen. */
  key: boolean;
  ops: ScreenOp[];
  /** The decoded picture of each `image` and `video` operation, by operation index. */
  pictures: Promise<(Picture | undefined)[]>;
  /** A newer key update arrived while this one was decoding: it is dropped, not drawn. */
  stale: boolean;
}

/**
 * Applies screen updates, in order, to `canvas` (sized by their `size` operations).
 *
 * @example
 * ```ts
 * import { ScreenUpdates } from "./screen_updates.ts";
 * import { SCREEN_CODEC } from "../../protocol/screen_update.ts";
 * import type { MediaFrame } from "../../protocol/protocol.ts";
 * const canvas = document.querySelector("canvas")!;
 * declare const frame: MediaFrame; // a video frame from the server, its payload one update
 * const screen = new ScreenUpdates(canvas, { onFrame() {}, onNeedKeyframe() {}, onError: console.error });
 * screen.configure(SCREEN_CODEC);
 * screen.push(frame);
 * ```
 */
export class ScreenUpdates {
  /** Operations drawn so far, by kind (images split by lossless or not): what the stats overlay shows. */
  readonly drawnOps: DrawnOps = { copy: 0, fill: 0, lossless: 0, lossy: 0, video: 0 };
  /** Bytes of `video` operations received so far (H.264 while most of the screen moves). */
  videoBytes = 0;
  readonly #canvas: HTMLCanvasElement;
  readonly #painter: ScreenPainter;
  readonly #options: ScreenUpdatesOptions;
  readonly #video = new RegionDecoder();
  /** Shows full-screen video pictures when `options.overlay` asks for it and the browser can. */
  readonly #overlay?: VideoOverlay;
  #active = false;
  #waitingKey = true;
  #lastKeyRequest = -Infinity;
  /** The screen size deltas are checked against: the newest accepted `size`. */
  #size: { width: number; height: number } | undefined;
  /** Updates waiting for the one being drawn. */
  #queue: Update[] = [];
  #current: Update | undefined;
  #droppedLate = 0;

  constructor(canvas: HTMLCanvasElement, options: ScreenUpdatesOptions) {
    this.#canvas = canvas;
    if (options.overlay && VideoOverlay.available) this.#overlay = new VideoOverlay(canvas);
    this.#painter = new ScreenPainter(canvas, this.#overlay);
    this.#options = options;
  }

  /** Whether this browser can decode image tiles (video regions need WebCodecs as well). */
  static get available(): boolean {
    return typeof globalThis.createImageBitmap === "function";
  }

  /** Updates not drawn because a key update came after them. */
  get droppedLate(): number {
    return this.#droppedLate;
  }

  /** What shows the picture now: the overlay's `<video>` while it does, else the canvas (read pixels here). */
  get picture(): HTMLCanvasElement | HTMLVideoElement {
    return this.#overlay?.element ?? this.#canvas;
  }

  /** Updates arrived and not yet drawn or dropped. */
  get queued(): number {
    return this.#queue.length + (this.#current ? 1 : 0);
  }

  /**
   * Starts taking updates (`codec` is the session's, {@linkcode SCREEN_CODEC}); the next key update paints.
   * Every `hello` configures again: a new connection's stream starts over, so it waits for a key update.
   */
  configure(codec: string): void {
    if (codec !== SCREEN_CODEC) return this.#options.onError(`not screen updates: ${codec}`);
    this.close();
    this.#active = true;
    this.#waitingKey = true;
    this.#lastKeyRequest = -Infinity;
    this.#requestKeyframe();
  }

  /** Takes one update, just arrived. Never throws: what cannot be drawn is acknowledged as dropped. */
  push(frame: MediaFrame): void {
    if (!this.#active) return;
    const arrival = { seq: frame.seq ?? 0, at: performance.now() };
    if (this.#waitingKey && !frame.key) {
      this.#done(arrival, false);
      return this.#requestKeyframe();
    }
    let ops: ScreenOp[];
    try {
      ops = decodeScreenUpdate(frame.payload, this.#size);
      if (frame.key && ops[0]?.op !== "size") {
        throw new Error("a key update that does not start with its size");
      }
    } catch (error) {
      this.#options.onError(`screen update ${arrival.seq}: ${(error as Error).message}`);
      this.#done(arrival, false);
      return this.#lost();
    }
    if (frame.key) {
      this.#waitingKey = false;
      this.#lastKeyRequest = -Infinity; // answered: the next trouble may ask at once
      for (const older of this.#queue.splice(0)) this.#drop(older, true);
      if (this.#current) this.#current.stale = true;
    }
    for (const op of ops) {
      if (op.op === "size") this.#size = { width: op.width, height: op.height };
    }
    // Video access units go to the decoder now, in arrival order, even for updates dropped later.
    const pictures = this.#decode(ops);
    this.#queue.push({
      ...arrival,
      timestampUs: frame.timestampUs,
      key: frame.key,
      ops,
      pictures,
      stale: false,
    });
    if (!this.#current) {
      // Only a callback can throw here; the next update starts the loop again.
      this.#drawQueued().catch((error) => this.#options.onError(`screen updates: ${error.message}`));
    }
  }

  /** Stops taking updates: those waiting are acknowledged as dropped, the video decoder is freed. */
  close(): void {
    this.#active = false;
    for (const update of this.#queue.splice(0)) this.#drop(update, false);
    if (this.#current) this.#current.stale = true;
    this.#video.close();
    this.#size = undefined;
    this.#painter.release();
    this.#overlay?.close();
  }

  /** Starts decoding the pictures of an update; the promise settles once all of them are ready or one failed. */
  #decode(ops: ScreenOp[]): Promise<(Picture | undefined)[]> {
    const pictures = ops.map((op): Promise<Picture> | undefined => {
      if (op.op === "codec") this.#video.setCodec(op.codec);
      else if (op.op === "video") {
        this.videoBytes += op.data.byteLength;
        return this.#video.decode(op.data, op.key);
      } else if (op.op === "image") {
        const blob = new Blob([op.data as Uint8Array<ArrayBuffer>], { type: IMAGE_MIME[op.format] });
        // No colour management: tiles carry the X server's pixel values.
        return createImageBitmap(blob, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
      }
    });
    return Promise.allSettled(pictures).then((results) => {
      const failed = results.find((r) => r.status === "rejected");
      const ready = results.map((r) => r.status === "fulfilled" ? r.value : undefined);
      if (!failed) return ready;
      closeAll(ready);
      throw failed.reason;
    });
  }

  /** Draws queued updates one after another, each once its pictures are decoded. */
  async #drawQueued(): Promise<void> {
    for (let update = this.#queue.shift(); update; update = this.#queue.shift()) {
      this.#current = update;
      let pictures: (Picture | undefined)[] | undefined;
      let failure: Error | undefined;
      try {
        pictures = await update.pictures;
      } catch (error) {
        failure = error as Error;
      }
      this.#current = undefined;
      if (update.stale) {
        closeAll(pictures ?? []);
        this.#droppedLate++;
        this.#done(update, false);
        continue;
      }
      try {
        if (failure) throw failure;
        this.#painter.paint(update.ops, pictures!);
        countOps(this.drawnOps, update.ops);
      } catch (error) {
        this.#options.onError(`screen update ${update.seq}: ${(error as Error).message}`);
        this.#done(update, false);
        this.#lost();
        continue;
      }
      this.#options.onFrame(
        performance.now() - update.at,
        this.#canvas.width,
        this.#canvas.height,
        update.timestampUs,
      );
      this.#done(update, true);
    }
  }

  /** Something could not be drawn: the deltas queued behind it are dropped up to a key update, else one is asked. */
  #lost(): void {
    const key = this.#queue.findIndex((u) => u.key);
    for (const update of this.#queue.splice(0, key < 0 ? this.#queue.length : key)) this.#drop(update, false);
    if (key >= 0) return;
    this.#waitingKey = true;
    this.#requestKeyframe();
  }

  #drop(update: Update, late: boolean): void {
    if (late) this.#droppedLate++;
    this.#done(update, false);
    update.pictures.then(closeAll, () => {});
  }

  /** The page is done with an update: it acknowledges it. */
  #done(arrival: { seq: number; at: number }, drawn: boolean): void {
    this.#options.onDone?.(arrival.seq, performance.now() - arrival.at, drawn);
  }

  #requestKeyframe(): void {
    const now = performance.now();
    if (now - this.#lastKeyRequest < KEYFRAME_REQUEST_MS) return;
    this.#lastKeyRequest = now;
    this.#options.onNeedKeyframe();
  }
}

/** Drawn screen operations by kind. */
export interface DrawnOps {
  copy: number;
  fill: number;
  /** Lossless image tiles. */
  lossless: number;
  /** Lossy image tiles. */
  lossy: number;
  video: number;
}

function countOps(counts: DrawnOps, ops: readonly ScreenOp[]): void {
  // Counted when drawn: what the viewer saw, not what arrived.
  for (const op of ops) {
    if (op.op === "copy" || op.op === "fill" || op.op === "video") counts[op.op]++;
    else if (op.op === "image") counts[op.lossless ? "lossless" : "lossy"]++;
  }
}
