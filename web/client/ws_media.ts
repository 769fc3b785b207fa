/**
 * Media over the control WebSocket: binary frames decoded (video to the canvas, Opus to the speakers),
 * each video frame acknowledged when it is drawn or dropped so the streamer paces this page
 * (protocol/pacing.ts), and the streamer's word on this page's delivery kept in the statistics.
 *
 * @module
 */
import type { ClientMessage, ServerMessage } from "../../protocol/protocol.ts";
import { decodeMediaFrame } from "../../protocol/framing.ts";
import { SCREEN_CODEC } from "../../protocol/screen_update.ts";
import { OpusPlayer } from "./audio_opus.ts";
import { RateMeter, type SelkiesStats } from "./stats.ts";
import { ScreenUpdates } from "./screen_updates.ts";
import { WebCodecsVideo, type WebCodecsVideoOptions } from "./video_webcodecs.ts";

/** Options of {@linkcode WebSocketMedia}. */
export interface WebSocketMediaOptions {
  /** Where video is drawn. */
  canvas: HTMLCanvasElement;
  /** The page's statistics: the delivery fields are kept up to date here. */
  stats: SelkiesStats;
  /** Sends a control message to the streamer (acknowledgements, keyframe requests). */
  send(message: ClientMessage): void;
  /** A video frame was drawn: its decode time (arrival to drawn), size and capture time. */
  onFrame(decodeMs: number, width: number, height: number, timestampUs: number): void;
  /**
   * Show H.264 frames, and hybrid updates that are one full-screen video picture, through a `<video>` over
   * the canvas where the browser can (VideoOverlay): 6-10 ms less main-thread work per 1080p frame in
   * software; the canvas then does not hold the picture until the next hybrid update paints it.
   * @default {false}
   */
  overlay?: boolean;
}

/**
 * The WebSocket transport's media on one page.
 *
 * @example
 * ```ts
 * import { WebSocketMedia } from "./ws_media.ts";
 * import { createStats } from "./stats.ts";
 * declare const canvas: HTMLCanvasElement;
 * declare const socket: WebSocket; // the control socket, binaryType "arraybuffer"
 * const send = (message: unknown) => socket.send(JSON.stringify(message));
 * const media = new WebSocketMedia({ canvas, stats: createStats(), send, onFrame() {} });
 * media.configure("avc1.42e01f"); // hello.codec
 * socket.onmessage = (event) => media.push(new Uint8Array(event.data));
 * ```
 */
export class WebSocketMedia {
  /** H.264 access units, decoded and drawn. */
  readonly #frames: WebCodecsVideo;
  /** Screen updates of the hybrid encoding, composited (same canvas, same callbacks). */
  readonly #screen: ScreenUpdates;
  #video: WebCodecsVideo | ScreenUpdates;
  /** The Opus player (starts on a user gesture). */
  readonly audio: OpusPlayer = new OpusPlayer();
  readonly #stats: SelkiesStats;
  readonly #bytes = new RateMeter();
  #serverKbps = 0;
  #h264Bytes = 0;

  constructor(options: WebSocketMediaOptions) {
    this.#stats = options.stats;
    const callbacks: WebCodecsVideoOptions = {
      onFrame: options.onFrame,
      onDone: (seq, ms, drawn) =>
        options.send({ t: "ack", seq, ms: Math.min(60_000, Math.round(ms)), drawn }),
      onNeedKeyframe: () => options.send({ t: "kf" }),
      onError: (message) => options.stats.lastError = message,
      overlay: options.overlay,
    };
    this.#video = this.#frames = new WebCodecsVideo(options.canvas, callbacks);
    this.#screen = new ScreenUpdates(options.canvas, callbacks);
  }

  /** What draws the session's video frames: the H.264 decoder, or the screen-update compositor. */
  get video(): WebCodecsVideo | ScreenUpdates {
    return this.#video;
  }

  /**
   * What shows the WebSocket picture now: the canvas, or the `<video>` over it while the overlay shows
   * frames (the canvas is then stale). Pixel reads go here.
   */
  get picture(): HTMLCanvasElement | HTMLVideoElement {
    return this.#video.picture;
  }

  /** Sets the session's codec (`hello.codec`): {@linkcode SCREEN_CODEC} means screen updates, else H.264. */
  configure(codec: string): void {
    const next = codec === SCREEN_CODEC ? this.#screen : this.#frames;
    if (next !== this.#video) this.#video.close();
    this.#video = next;
    next.configure(codec);
  }

  /** Handles one binary frame from the socket. */
  push(data: Uint8Array): void {
    const frame = decodeMediaFrame(data);
    if (!frame) return;
    this.#bytes.add(data.byteLength);
    if (frame.kind !== "video") return this.audio.push(frame);
    if (this.#video === this.#frames) this.#h264Bytes += frame.payload.byteLength;
    this.#video.push(frame);
  }

  /** Takes the streamer's once-a-second statistics: its encoder's rate and this page's delivery. */
  serverStats(message: Extract<ServerMessage, { t: "stats" }>): void {
    this.#serverKbps = message.kbps;
    this.#stats.encoderFps = message.fps;
    if (!message.delivery) return;
    this.#stats.latencyMs = message.delivery.latencyMs;
    this.#stats.inFlight = message.delivery.inFlight;
    this.#stats.window = message.delivery.window;
    this.#stats.limit = message.delivery.limit;
  }

  /**
   * Ends a one-second window: updates kbit/s (counted here, or the streamer's word while WebRTC shows the
   * picture), audio packets and this page's own queue.
   */
  tick(): void {
    const own = (this.#bytes.tick().sum * 8) / 1000;
    this.#stats.kbps = this.#stats.transport === "webrtc" ? this.#serverKbps : own;
    this.#stats.audioFrames = this.audio.played;
    this.#stats.queued = this.video.queued;
    this.#stats.droppedLate = this.video.droppedLate;
    this.#stats.videoBytes = this.#h264Bytes + this.#screen.videoBytes;
    this.#stats.screenOps = { ...this.#screen.drawnOps };
  }
}
