/**
 * The `video` operations of screen updates: one WebCodecs decoder fed in arrival order (H.264 deltas need
 * every earlier access unit, also those of updates the compositor then drops), each access unit answered by
 * a promise of its picture, so an update can wait for its own pictures only.
 *
 * @module
 */

/** An access unit with no picture after this long counts as lost (a stuck decoder must not wedge the page). */
const OUTPUT_TIMEOUT_MS = 3000;

interface Waiter {
  resolve(frame: VideoFrame): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Decodes the access units of `video` operations, in order, with the codec of the latest `codec` operation.
 *
 * @example
 * ```ts
 * import { RegionDecoder } from "./_screen_video.ts";
 * declare const accessUnit: Uint8Array; // an H.264 keyframe, Annex B
 * const decoder = new RegionDecoder();
 * decoder.setCodec("avc1.42e01f");
 * const frame = await decoder.decode(accessUnit, true);
 * frame.close();
 * decoder.close();
 * ```
 */
export class RegionDecoder {
  #decoder?: VideoDecoder;
  #codec = "";
  /** Chunk timestamps are a private counter: a picture finds its waiter exactly. */
  #next = 0;
  readonly #waiting = new Map<number, Waiter>();

  /** Sets the codec of the access units that follow; a change starts a new decoder (a keyframe first). */
  setCodec(codec: string): void {
    if (codec === this.#codec) return;
    this.#codec = codec;
    this.close();
  }

  /**
   * Decodes one access unit; resolves with its picture (the caller closes it), rejects when it cannot be
   * decoded (no codec yet, no WebCodecs here, a delta without its keyframe, a decoder error).
   */
  decode(data: Uint8Array, key: boolean): Promise<VideoFrame> {
    if (!this.#codec) return Promise.reject(new Error("a video operation before any codec operation"));
    if (typeof globalThis.VideoDecoder !== "function") {
      return Promise.reject(new Error("no WebCodecs here for video regions (the page needs https)"));
    }
    const timestamp = this.#next++;
    return new Promise<VideoFrame>((resolve, reject) => {
      const timer = setTimeout(
        () => this.#fail(new Error(`no picture from the video decoder in ${OUTPUT_TIMEOUT_MS} ms`)),
        OUTPUT_TIMEOUT_MS,
      );
      this.#waiting.set(timestamp, { resolve, reject, timer });
      try {
        if (!this.#decoder || this.#decoder.state === "closed") this.#decoder = this.#create();
        this.#decoder.decode(
          new EncodedVideoChunk({ type: key ? "key" : "delta", timestamp, data }),
        );
      } catch (error) {
        this.#fail(error as Error);
      }
    });
  }

  /** Frees the decoder; access units still waiting are rejected. */
  close(): void {
    this.#fail(new Error("video decoder closed"));
  }

  #create(): VideoDecoder {
    const decoder = new VideoDecoder({
      output: (frame) => this.#output(frame),
      error: (error) => this.#fail(new Error(`video decoder: ${error.message}`)),
    });
    // Software: regions are small and change size, where hardware decoders have minimum sizes and reconfigure
    // slowly. No `description`: Annex B with SPS/PPS in band.
    decoder.configure({
      codec: this.#codec,
      optimizeForLatency: true,
      hardwareAcceleration: "prefer-software",
    });
    return decoder;
  }

  #output(frame: VideoFrame): void {
    const waiter = this.#waiting.get(frame.timestamp);
    if (!waiter) return frame.close();
    // Output is in decode order (no B-frames): anything that went in before this one will not come out.
    for (const [timestamp, earlier] of this.#waiting) {
      this.#waiting.delete(timestamp);
      clearTimeout(earlier.timer);
      if (timestamp === frame.timestamp) break;
      earlier.reject(new Error("the video decoder skipped an access unit"));
    }
    waiter.resolve(frame);
  }

  /** The decoder is unusable: drop it, and reject what it still holds (the next access unit needs a keyframe). */
  #fail(error: Error): void {
    if (this.#decoder && this.#decoder.state !== "closed") this.#decoder.close();
    this.#decoder = undefined;
    for (const waiter of this.#waiting.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.#waiting.clear();
  }
}
