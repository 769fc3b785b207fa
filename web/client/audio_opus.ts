/**
 * WebSocket-transport audio: Opus packets decoded with WebCodecs and played by scheduled buffers.
 *
 * @module
 */
import type { MediaFrame } from "../../protocol/protocol.ts";

/** Playback starts this far ahead of the clock, to absorb network jitter. */
const LEAD_S = 0.06;
/** More queued audio than this (a stall, a background tab) is dropped to keep latency low. */
const MAX_AHEAD_S = 0.4;

/**
 * Plays Opus packets; browsers only start audio after a user gesture, so call {@linkcode OpusPlayer.resume}
 * from one.
 *
 * @example
 * ```ts
 * import { OpusPlayer } from "./audio_opus.ts";
 * import type { MediaFrame } from "../../protocol/protocol.ts";
 * declare const frame: MediaFrame; // an audio frame from the server
 * const audio = new OpusPlayer();
 * addEventListener("pointerdown", () => audio.resume());
 * audio.push(frame);
 * ```
 */
export class OpusPlayer {
  #context?: AudioContext;
  #decoder?: AudioDecoder;
  #next = 0;
  #played = 0;

  /** Opus packets decoded and scheduled so far. */
  get played(): number {
    return this.#played;
  }

  /** Whether this browser can decode audio with WebCodecs. */
  static get available(): boolean {
    return typeof globalThis.AudioDecoder === "function" && typeof globalThis.AudioContext === "function";
  }

  /** Starts (or resumes) playback; call from a user gesture. */
  resume(): void {
    if (!OpusPlayer.available) return;
    this.#context ??= new AudioContext({ sampleRate: 48000, latencyHint: "interactive" });
    if (this.#context.state === "suspended") this.#context.resume().catch(() => {});
  }

  /** Queues one Opus packet; ignored until playback was started. */
  push(frame: MediaFrame): void {
    if (!this.#context || this.#context.state !== "running") return;
    if (!this.#decoder || this.#decoder.state === "closed") {
      this.#decoder = new AudioDecoder({
        output: (data) => this.#play(data),
        error: () => this.#decoder = undefined,
      });
      this.#decoder.configure({ codec: "opus", sampleRate: 48000, numberOfChannels: 2 });
    }
    this.#decoder.decode(
      new EncodedAudioChunk({ type: "key", timestamp: frame.timestampUs, data: frame.payload }),
    );
  }

  /** Stops playback and frees the decoder and the audio context. */
  close(): void {
    if (this.#decoder && this.#decoder.state !== "closed") this.#decoder.close();
    this.#decoder = undefined;
    this.#context?.close().catch(() => {});
    this.#context = undefined;
  }

  #play(data: AudioData): void {
    const context = this.#context;
    try {
      if (!context) return;
      const buffer = context.createBuffer(data.numberOfChannels, data.numberOfFrames, data.sampleRate);
      for (let c = 0; c < data.numberOfChannels; c++) {
        const plane = new Float32Array(data.numberOfFrames);
        data.copyTo(plane, { planeIndex: c, format: "f32-planar" });
        buffer.copyToChannel(plane, c);
      }
      const now = context.currentTime;
      if (this.#next < now + 0.005 || this.#next > now + MAX_AHEAD_S) this.#next = now + LEAD_S;
      const source = context.createBufferSource();
      source.buffer = buffer;
      source.connect(context.destination);
      source.start(this.#next);
      this.#next += buffer.duration;
      this.#played++;
    } finally {
      data.close();
    }
  }
}
