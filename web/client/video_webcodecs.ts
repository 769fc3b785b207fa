/**
 * WebSocket-transport video: Annex-B access units decoded with WebCodecs and drawn to a canvas, or shown
 * by a `<video>` over it (the `overlay` option, VideoOverlay).
 *
 * Every frame is acknowledged once the client is done with it (protocol/pacing.ts): drawn, or dropped. The
 * streamer keeps only a small window of frames in flight, so a slow page lowers the frame rate instead of
 * queueing (measured before pacing on a 2-core box: 0.9 s old pictures at 8x CPU throttling). A frame older
 * than one already drawn is never drawn, and of decoded frames that come out together only the newest is.
 *
 * @module
 */
import type { MediaFrame } from "../../protocol/protocol.ts";
import { VideoOverlay } from "./_video_overlay.ts";

/** Options of {@linkcode WebCodecsVideo}. */
export interface WebCodecsVideoOptions {
  /** Called after each frame is drawn, with its decode time in milliseconds and its capture time. */
  onFrame(decodeMs: number, width: number, height: number, timestampUs: number): void;
  /**
   * The client is done with video frame `seq`: `drawn`, or dropped (late, or waiting for a keyframe), `ms`
   * after it arrived. The page acknowledges it to the streamer (`{t:"ack"}`).
   */
  onDone?(seq: number, ms: number, drawn: boolean): void;
  /** The decoder needs a keyframe (error or start): ask the server with `{t:"kf"}`. */
  onNeedKeyframe(): void;
  /** A decoder error worth showing. */
  onError(message: string): void;
  /**
   * Show frames through a `<video>` laid over the canvas where the browser can (VideoOverlay: the main
   * thread skips the I420 to RGBA draw, 6-10 ms per 1080p frame in software); the canvas then does not hold
   * the picture. @default {false}
   */
  overlay?: boolean;
}

/**
 * More queued chunks than this means the decoder cannot keep up: drop to the next keyframe. A paced stream
 * never gets near it (a few frames in flight); it bounds a stream from a sender that does not pace.
 */
const MAX_QUEUE = 30;
/** Keyframe requests are rate-limited: the encoder needs time to produce one. */
const KEYFRAME_REQUEST_MS = 1000;

/** A frame the decoder holds: its number and when it arrived. */
interface Arrival {
  seq: number;
  at: number;
}

/**
 * Decodes video media frames and draws the newest decoded frame onto `canvas` (sized to the frame).
 *
 * @example
 * ```ts
 * import { WebCodecsVideo } from "./video_webcodecs.ts";
 * import type { MediaFrame } from "../../protocol/protocol.ts";
import { VideoOverlay } from "./_video_overlay.ts";
 * const canvas = document.querySelector("canvas")!;
 * declare const frame: MediaFrame; // a video frame from the server
 * const video = new WebCodecsVideo(canvas, { onFrame() {}, onNeedKeyframe() {}, onError: console.error });
 * video.configure("avc1.42e01f");
 * video.push(frame);
 * ```
 */
export class WebCodecsVideo {
  readonly #canvas: HTMLCanvasElement;
  readonly #ctx: CanvasRenderingContext2D;
  readonly #options: WebCodecsVideoOptions;
  /** Where frames are shown instead of the canvas, when asked for and available. */
  readonly #overlay?: VideoOverlay;
  #decoder?: VideoDecoder;
  #codec = "";
  #waitingKey = true;
  #lastKeyRequest = -Infinity;
  /** Frames in the decoder, by timestamp. */
  readonly #started = new Map<number, Arrival>();
  /** A decoded frame waiting for its draw (a newer one replaces it), and its arrival. */
  #pending: { frame: VideoFrame; arrival: Arrival } | undefined;
  #drawTimer: ReturnType<typeof setTimeout> | undefined;
  /** Capture time of the newest frame drawn: nothing older is drawn after it. */
  #lastDrawnUs = -Infinity;
  #droppedLate = 0;

  constructor(canvas: HTMLCanvasElement, options: WebCodecsVideoOptions) {
    this.#canvas = canvas;
    this.#ctx = canvas.getContext("2d", { alpha: false })!;
    this.#options = options;
    if (options.overlay && VideoOverlay.available) this.#overlay = new VideoOverlay(canvas);
  }

  /** Decoded frames not drawn because a newer one was there first. */
  get droppedLate(): number {
    return this.#droppedLate;
  }

  /** What shows the picture now: the overlay's `<video>` while it does, else the canvas (read pixels here). */
  get picture(): HTMLCanvasElement | HTMLVideoElement {
    return this.#overlay?.element ?? this.#canvas;
  }

  /** Frames arrived and not yet drawn or dropped. */
  get queued(): number {
    return this.#started.size + (this.#pending ? 1 : 0);
  }

  /** Whether this browser can decode with WebCodecs at all (secure contexts only). */
  static get available(): boolean {
    return typeof globalThis.VideoDecoder === "function";
  }

  /** Sets the codec (from the server's `hello`); the next keyframe starts decoding. */
  configure(codec: string): void {
    if (codec === this.#codec && this.#decoder) return;
    this.#codec = codec;
    this.#lastDrawnUs = -Infinity;
    this.#reset();
    VideoDecoder.isConfigSupported({ codec }).then((support) => {
      if (!support.supported) this.#options.onError(`this browser cannot decode ${codec}`);
    }, () => this.#options.onError(`invalid codec string ${codec}`));
  }

  /** Queues one access unit, just arrived. Deltas before the first keyframe are skipped (and acknowledged). */
  push(frame: MediaFrame): void {
    if (!this.#codec) return;
    const arrival = { seq: frame.seq ?? 0, at: performance.now() };
    if (this.#waitingKey) {
      if (!frame.key) {
        this.#done(arrival, false);
        return this.#requestKeyframe();
      }
      this.#waitingKey = false;
    }
    if (!this.#decoder || this.#decoder.state === "closed") this.#decoder = this.#create();
    if (this.#decoder.decodeQueueSize > MAX_QUEUE) {
      this.#done(arrival, false);
      return this.#reset();
    }
    // WebCodecs keeps whole microseconds: the decoded frame comes back with the rounded time.
    const timestamp = Math.round(frame.timestampUs);
    this.#started.set(timestamp, arrival);
    try {
      this.#decoder.decode(
        new EncodedVideoChunk({
          type: frame.key ? "key" : "delta",
          timestamp,
          data: frame.payload,
        }),
      );
    } catch (error) {
      this.#options.onError(`decode: ${(error as Error).message}`);
      this.#reset();
    }
  }

  /** Stops decoding and frees the decoder. */
  close(): void {
    this.#codec = "";
    this.#closeDecoder();
    this.#overlay?.close();
  }

  /** The client is done with a frame: the page acknowledges it. */
  #done(arrival: Arrival, drawn: boolean): void {
    this.#options.onDone?.(arrival.seq, performance.now() - arrival.at, drawn);
  }

  #create(): VideoDecoder {
    const decoder = new VideoDecoder({
      output: (frame) => this.#decoded(frame),
      error: (error) => {
        this.#options.onError(`decoder: ${error.message}`);
        this.#reset();
      },
    });
    // No `description`: the payload is Annex B with SPS/PPS in band.
    decoder.configure({ codec: this.#codec, optimizeForLatency: true });
    return decoder;
  }

  /**
   * A frame came out of the decoder: it waits for a draw task, so that of frames decoded back to back
   * (the page was busy) only the newest is drawn; one older than the picture shown is dropped at once.
   */
  #decoded(frame: VideoFrame): void {
    const arrival = this.#started.get(frame.timestamp) ?? { seq: 0, at: performance.now() };
    // Output is in decode order (no B-frames): anything that went in before this frame will not come out.
    for (const timestamp of this.#started.keys()) {
      this.#started.delete(timestamp);
      if (timestamp === frame.timestamp) break;
    }
    if (frame.timestamp <= this.#lastDrawnUs) {
      frame.close();
      return this.#done(arrival, false);
    }
    if (this.#pending) {
      this.#pending.frame.close();
      this.#droppedLate++;
      this.#done(this.#pending.arrival, false);
    }
    this.#pending = { frame, arrival };
    this.#drawTimer ??= setTimeout(() => this.#draw(), 0);
  }

  #draw(): void {
    this.#drawTimer = undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    if (!pending) return;
    const { frame, arrival } = pending;
    const { displayWidth: width, displayHeight: height, timestamp } = frame;
    try {
      if (this.#overlay) {
        this.#overlay.show(frame); // it closes the frame once shown
      } else {
        if (this.#canvas.width !== width || this.#canvas.height !== height) {
          this.#canvas.width = width;
          this.#canvas.height = height;
        }
        this.#ctx.drawImage(frame, 0, 0);
        frame.close();
      }
    } catch (error) {
      frame.close();
      throw error;
    }
    this.#lastDrawnUs = timestamp;
    this.#options.onFrame(performance.now() - arrival.at, width, height, timestamp);
    this.#done(arrival, true);
  }

  #reset(): void {
    this.#closeDecoder();
    this.#waitingKey = true;
    this.#requestKeyframe();
  }

  #closeDecoder(): void {
    if (this.#decoder && this.#decoder.state !== "closed") this.#decoder.close();
    this.#decoder = undefined;
    this.#started.clear();
    clearTimeout(this.#drawTimer);
    this.#drawTimer = undefined;
    this.#pending?.frame.close();
    this.#pending = undefined;
  }

  #requestKeyframe(): void {
    const now = performance.now();
    if (now - this.#lastKeyRequest < KEYFRAME_REQUEST_MS) return;
    this.#lastKeyRequest = now;
    this.#options.onNeedKeyframe();
  }
}
