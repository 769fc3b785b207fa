/**
 * WebSocket-transport video: Annex-B access units decoded with WebCodecs and drawn to a canvas.
 *
 * @module
 */
import type { MediaFrame } from "../../protocol/protocol.ts";

/** Options of {@linkcode WebCodecsVideo}. */
export interface WebCodecsVideoOptions {
  /** Called after each frame is drawn, with its decode time in milliseconds and its media time. */
  onFrame(decodeMs: number, width: number, height: number, timestampUs: number): void;
  /** The decoder needs a keyframe (error or start): ask the server with `{t:"kf"}`. */
  onNeedKeyframe(): void;
  /** A decoder error worth showing. */
  onError(message: string): void;
}

/** More queued chunks than this means the decoder cannot keep up: drop to the next keyframe. */
const MAX_QUEUE = 30;
/** Keyframe requests are rate-limited: the encoder needs time to produce one. */
const KEYFRAME_REQUEST_MS = 1000;

/**
 * Decodes video media frames and draws every decoded frame onto `canvas` (sized to the frame).
 *
 * @example
 * ```ts
 * import { WebCodecsVideo } from "./video_webcodecs.ts";
 * import type { MediaFrame } from "../../protocol/protocol.ts";
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
  #decoder?: VideoDecoder;
  #codec = "";
  #waitingKey = true;
  #lastKeyRequest = -Infinity;
  readonly #started = new Map<number, number>();

  constructor(canvas: HTMLCanvasElement, options: WebCodecsVideoOptions) {
    this.#canvas = canvas;
    this.#ctx = canvas.getContext("2d", { alpha: false })!;
    this.#options = options;
  }

  /** Whether this browser can decode with WebCodecs at all (secure contexts only). */
  static get available(): boolean {
    return typeof globalThis.VideoDecoder === "function";
  }

  /** Sets the codec (from the server's `hello`); the next keyframe starts decoding. */
  configure(codec: string): void {
    if (codec === this.#codec && this.#decoder) return;
    this.#codec = codec;
    this.#reset();
    VideoDecoder.isConfigSupported({ codec }).then((support) => {
      if (!support.supported) this.#options.onError(`this browser cannot decode ${codec}`);
    }, () => this.#options.onError(`invalid codec string ${codec}`));
  }

  /** Queues one access unit. Deltas before the first keyframe are skipped. */
  push(frame: MediaFrame): void {
    if (!this.#codec) return;
    if (this.#waitingKey) {
      if (!frame.key) return this.#requestKeyframe();
      this.#waitingKey = false;
    }
    if (!this.#decoder || this.#decoder.state === "closed") this.#decoder = this.#create();
    if (this.#decoder.decodeQueueSize > MAX_QUEUE) return this.#reset();
    this.#started.set(frame.timestampUs, performance.now());
    try {
      this.#decoder.decode(
        new EncodedVideoChunk({
          type: frame.key ? "key" : "delta",
          timestamp: frame.timestampUs,
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
  }

  #create(): VideoDecoder {
    const decoder = new VideoDecoder({
      output: (frame) => this.#draw(frame),
      error: (error) => {
        this.#options.onError(`decoder: ${error.message}`);
        this.#reset();
      },
    });
    // No `description`: the payload is Annex B with SPS/PPS in band.
    decoder.configure({ codec: this.#codec, optimizeForLatency: true });
    return decoder;
  }

  #draw(frame: VideoFrame): void {
    try {
      const started = this.#started.get(frame.timestamp);
      this.#started.delete(frame.timestamp);
      const { displayWidth: width, displayHeight: height } = frame;
      if (this.#canvas.width !== width || this.#canvas.height !== height) {
        this.#canvas.width = width;
        this.#canvas.height = height;
      }
      this.#ctx.drawImage(frame, 0, 0);
      const decodeMs = started === undefined ? 0 : performance.now() - started;
      this.#options.onFrame(decodeMs, width, height, frame.timestamp);
    } finally {
      frame.close();
    }
    if (this.#started.size > 4 * MAX_QUEUE) this.#started.clear();
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
  }

  #requestKeyframe(): void {
    const now = performance.now();
    if (now - this.#lastKeyRequest < KEYFRAME_REQUEST_MS) return;
    this.#lastKeyRequest = now;
    this.#options.onNeedKeyframe();
  }
}
