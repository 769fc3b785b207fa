/**
 * Decoded video frames shown through a `<video>` element laid over the page's canvas, as WebRTC's picture
 * is: the frame goes to a MediaStreamTrackGenerator and Chromium's media and compositor threads convert
 * and present it. Drawing a 1080p VideoFrame on a software 2D canvas costs the main thread 6-10 ms (I420 to
 * RGBA), writing it to the track 0.1-0.6 ms. Measured in headless Chromium with `--disable-gpu` on 1080p
 * motion over the WebSocket, from `decode()` to the first rendering step that shows the frame: p50 17-20
 * ms on the canvas, 12-15 ms through the track (p90 37-55 vs 20-31 ms), for the same browser CPU per frame.
 *
 * The canvas stays underneath, sized to the frames (input maps pointer positions through it), and its
 * `hidden` and inline style (pinch zoom) are mirrored onto the overlay. While the overlay shows, the
 * canvas does not hold the picture.
 *
 * @module
 */

/** Chromium's MediaStreamTrackGenerator (not in the DOM typings). */
interface TrackGenerator extends MediaStreamTrack {
  readonly writable: WritableStream<VideoFrame>;
}
type TrackGeneratorClass = new (init: { kind: "video" }) => TrackGenerator;

/** How often a frame not yet presented is written again. */
const RETRY_MS = 50;

const Generator = (globalThis as { MediaStreamTrackGenerator?: TrackGeneratorClass })
  .MediaStreamTrackGenerator;

/**
 * A `<video>` over `canvas` that shows the VideoFrames given to it.
 *
 * @example
 * ```ts
 * import { VideoOverlay } from "./_video_overlay.ts";
 * declare const frame: VideoFrame; // a decoded frame
 * const overlay = new VideoOverlay(document.querySelector("canvas")!);
 * if (VideoOverlay.available) overlay.show(frame); // takes the frame: the overlay closes it
 * overlay.close();
 * ```
 */
export class VideoOverlay {
  readonly #canvas: HTMLCanvasElement;
  #video?: HTMLVideoElement;
  #track?: TrackGenerator;
  #writer?: WritableStreamDefaultWriter<VideoFrame>;
  #observer?: MutationObserver;
  #showing = false;
  /** The element has presented a frame given since the last {@linkcode hide}: it may be seen. */
  #revealed = false;
  /** Counts hides: a reveal asked for before the latest one is void. */
  #hides = 0;
  /** A write to the track is under way. */
  #writing = false;
  /** The newest frame given while a write was under way: written next. */
  #waiting?: VideoFrame;
  /** Until revealed, the newest frame, written again now and then (see {@linkcode show}). */
  #unseen?: VideoFrame;
  #retry?: ReturnType<typeof setInterval>;

  constructor(canvas: HTMLCanvasElement) {
    this.#canvas = canvas;
  }

  /** Whether this browser can show frames this way (Chromium: MediaStreamTrackGenerator). */
  static get available(): boolean {
    return typeof Generator === "function";
  }

  /** Whether the overlay shows the picture now (the canvas underneath is stale). */
  get showing(): boolean {
    return this.#showing;
  }

  /** The element when it shows the picture now (a frame presented, not hidden), else `undefined`. */
  get element(): HTMLVideoElement | undefined {
    return this.#showing && this.#revealed ? this.#video : undefined;
  }

  /** Shows `frame` (and owns it: it is closed once presented or on error); sizes the canvas to it. */
  show(frame: VideoFrame): void {
    const { displayWidth: width, displayHeight: height } = frame;
    if (this.#canvas.width !== width || this.#canvas.height !== height) {
      this.#canvas.width = width;
      this.#canvas.height = height;
    }
    if (!this.#writer) this.#open();
    if (!this.#revealed) {
      // A new element drops what comes before it is attached to the track (seen: one still picture never
      // appeared): the newest frame goes again until one is presented.
      this.#unseen?.close();
      this.#unseen = frame.clone();
      this.#retry ??= setInterval(() => this.#write(this.#unseen?.clone()), RETRY_MS);
    }
    // The track presents the newest frame; the caller never hands one older than the last.
    this.#write(frame);
    if (!this.#showing) {
      this.#showing = true;
      this.#mirror();
      // Until it presents this frame the element still holds its last one (from before hide): the canvas
      // stays visible, the element is laid out but transparent (a `display: none` one presents nothing).
      const hides = this.#hides;
      this.#video!.requestVideoFrameCallback(() => hides === this.#hides && this.#reveal());
    }
  }

  /** Lets the canvas show again (its picture is current once more). */
  hide(): void {
    if (!this.#showing) return;
    this.#showing = this.#revealed = false;
    this.#hides++;
    this.#forget();
    this.#mirror();
  }

  /** Ends the track and removes the element. */
  close(): void {
    this.#showing = this.#revealed = false;
    this.#forget();
    this.#observer?.disconnect();
    this.#waiting?.close();
    this.#waiting = undefined;
    this.#writer?.close().catch(() => {});
    this.#track?.stop();
    this.#video?.remove();
    this.#observer =
      this.#writer =
      this.#track =
      this.#video =
        undefined;
  }

  #open(): void {
    const track = new Generator!({ kind: "video" });
    const video = document.createElement("video");
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([track]);
    // Same place and CSS as the canvas (the stage styles both), on top of it.
    this.#canvas.after(video);
    video.play().catch(() => {}); // muted: allowed without a gesture
    this.#observer = new MutationObserver(() => this.#mirror());
    this.#observer.observe(this.#canvas, { attributes: true, attributeFilter: ["hidden", "style"] });
    this.#track = track;
    this.#video = video;
    this.#writer = track.writable.getWriter();
  }

  #write(frame: VideoFrame | undefined): void {
    if (!frame) return;
    const writer = this.#writer;
    if (!writer) return frame.close();
    // One write at a time, the newest frame waiting: a page too slow for the stream shows fewer frames,
    // never older ones. Writes not awaited would queue in the stream without bound. (A page throttled 16x
    // once showed 4 s old pictures through the overlay; whether this queue was the cause is not known.)
    if (this.#writing) {
      this.#waiting?.close();
      this.#waiting = frame;
      return;
    }
    this.#writing = true;
    writer.write(frame).catch(() => frame.close()).finally(() => {
      this.#writing = false;
      const next = this.#waiting;
      this.#waiting = undefined;
      if (writer === this.#writer) this.#write(next);
      else next?.close();
    });
  }

  #reveal(): void {
    if (!this.#showing) return; // hidden again before the frame came
    this.#revealed = true;
    this.#forget();
    this.#mirror();
  }

  /** Stops writing the unseen frame again. */
  #forget(): void {
    clearInterval(this.#retry);
    this.#retry = undefined;
    this.#unseen?.close();
    this.#unseen = undefined;
  }

  #mirror(): void {
    const video = this.#video;
    if (!video) return;
    video.hidden = !this.#showing || this.#canvas.hidden;
    // Input goes to the stage underneath; a pinch zoom's transform applies to both.
    video.style.cssText = `${this.#canvas.style.cssText};pointer-events:none;opacity:${
      this.#revealed ? 1 : 0
    }`;
  }
}
