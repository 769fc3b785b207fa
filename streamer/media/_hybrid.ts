/**
 * The hybrid encoding's loop inside the shared media worker: grab the screen where X says it changed, let the
 * planner (streamer/hybrid/) decide copies, fills, lossless or lossy tiles, encode the tiles
 * (streamer/codec/) and send one screen update (protocol/screen_update.ts) per round; while most of the
 * screen moves, let the worker's H.264 pipeline run instead and wrap its frames as `video` operations, and
 * while one large area moves, let it encode just that region while the rest stays tiles (_hybrid_video.ts).
 *
 * Pacing is the same as for video: no round runs while no viewer has room, and damage simply accumulates
 * (the next update covers all of it), so a slow viewer gets fewer, never older, updates.
 *
 * @module
 */
import { type ScreenOp, ScreenUpdateWriter } from "../../protocol/screen_update.ts";
import { encodeJpeg, encodeWebp } from "../codec/mod.ts";
import { type Frame, HybridPlanner, type Plan, type Planner, type Rect } from "../hybrid/mod.ts";
import { ScreenGrabber } from "../x11/grabber.ts";
import { HybridVideo, type VideoSwitch, type WrappedVideo } from "./_hybrid_video.ts";

export type { VideoSwitch, WrappedVideo };

/** What the loop needs from the screen grabber (streamer/x11/grabber.ts). */
export interface HybridGrabber {
  /** The whole screen, read only where `areas` say it changed when given (the rest as last grabbed). */
  grab(areas?: readonly Rect[]): Promise<Frame>;
  damage(): Rect[];
  /** Waits (at most `timeoutMs`) until X reports damage; without it the loop polls `damage()` every round. */
  changes?(timeoutMs: number): Promise<boolean>;
}

/** Tile encoders (streamer/codec/). */
export interface TileEncoders {
  lossless(frame: Frame, rect: Rect): Uint8Array;
  lossy(frame: Frame, rect: Rect): Uint8Array;
}

/** Options of {@linkcode HybridLoop}. */
export interface HybridLoopOptions {
  grabber: HybridGrabber;
  planner: Planner;
  encoders: TileEncoders;
  video: VideoSwitch;
  /** WebCodecs codec string of the video pipeline's frames. */
  codec: string;
  /** Updates per second at most. */
  fps: number;
  /** Sends one update (resolves when written: the back-pressure). */
  send(update: { key: boolean; timestampUs: number; payload: Uint8Array }): Promise<void>;
}

/** How often the screen is still looked at while video runs (to notice that the motion stopped). */
const VIDEO_WATCH_MS = 100;
/** Longest idle wait for X damage before looking again anyway. */
const IDLE_WAIT_MS = 1000;
/**
 * Rounds that may run back to back after a still moment (the bucket's depth), the average staying at `fps`.
 * One: a change is still painted at once when the last round is a period old (and an empty look spends
 * nothing), while a depth of 2 sent 60 % more bytes on printing text (two rounds in a row, each with its own
 * small images) for no latency that the benchmark could tell apart.
 */
const BURST = 1;

/**
 * Runs rounds at up to `fps` until {@linkcode HybridLoop.stop}.
 *
 * @example
 * ```ts
 * import { HybridLoop, type HybridLoopOptions } from "./_hybrid.ts";
 * declare const options: HybridLoopOptions;
 * const loop = new HybridLoop(options);
 * loop.run().catch((error) => console.error(error));
 * loop.setPaced(false); // no viewer has room: no round runs
 * ```
 */
export class HybridLoop {
  readonly #o: HybridLoopOptions;
  #paced = true;
  #watched = true;
  #keyWanted = true;
  readonly #video: HybridVideo;
  #fps: number;
  #stopped = false;
  #wake: (() => void) | undefined;

  constructor(options: HybridLoopOptions) {
    this.#o = options;
    this.#fps = options.fps;
    this.#video = new HybridVideo(options.video, options.codec);
  }

  // Full-screen video: the loop only watches for the motion's end (region video keeps tile rounds going).
  get #videoMode(): boolean {
    return this.#video.full;
  }

  /** Some viewer has room for an update (`true`), or none has. */
  setPaced(room: boolean): void {
    this.#paced = room;
    if (room) this.#wake?.();
  }

  /**
   * Whether anyone watches (a WebSocket viewer is subscribed): with nobody, no round runs and video stops.
   * A keyframe asked for is still made (the session's first frame comes before its first viewer).
   */
  setWatched(watched: boolean): void {
    this.#watched = watched;
    this.#video.setWatched(watched);
    if (watched) this.#wake?.();
  }

  /** The next update repaints the whole screen (a new or re-syncing viewer). */
  requestKeyframe(): void {
    if (this.#videoMode) return this.#video.keyframe();
    this.#keyWanted = true;
    this.#wake?.();
  }

  /** Changes the most updates per second. */
  setFps(fps: number): void {
    this.#fps = Math.max(1, fps);
  }

  /**
   * Wraps one encoded video frame of `area` as an update (`undefined`: not what the viewers see now, e.g. a
   * frame the encoder held when video ended, older than the tiles). See {@linkcode HybridVideo.wrap}.
   */
  wrapVideo(area: Rect, key: boolean, data: Uint8Array): WrappedVideo | undefined {
    return this.#video.wrap(area, key, data);
  }

  /** Ends the loop after the round in progress. */
  stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }

  /**
   * Runs until stopped; rejects when a grab or an encoder fails (the worker then exits).
   *
   * The rate limit is a token bucket (GCRA) of {@linkcode BURST} rounds refilled at `fps`, not a fixed tick:
   * a change that arrives while a round is allowed is painted at once instead of waiting up to one period
   * for the next tick (a 60 Hz change waited 0-16.7 ms), and rounds still average at most `fps`.
   */
  async run(): Promise<void> {
    // The earliest time the next round may start (the bucket: up to BURST periods of credit before it).
    let allowed = -Infinity;
    while (!this.#stopped) {
      const start = performance.now();
      // A wake-up (room again, a keyframe wanted) never runs rounds faster than the bucket allows.
      if (start < allowed) await this.#sleep(allowed - start);
      else if (!this.#paced || (!this.#watched && !this.#keyWanted)) await this.#sleep(1000);
      else if (await this.#round()) {
        // While video runs, the screen is only watched for the motion's end: a steady tick, no burst.
        const [period, burst] = this.#videoMode ? [VIDEO_WATCH_MS, 1] : [1000 / this.#fps, BURST];
        allowed = Math.max(allowed, start - (burst - 1) * period) + period;
      } else {
        // Nothing to do (a round that found nothing spends no credit): wait for a change.
        await this.#idle();
      }
    }
  }

  /**
   * Nothing changed and nothing is due: wait for X damage, the planner's next refinement, or a wake-up (a
   * keyframe wanted, room again), instead of looking again every frame time.
   */
  async #idle(): Promise<void> {
    const { grabber, planner } = this.#o;
    if (!grabber.changes) return await this.#sleep(1000 / this.#fps);
    const due = planner.wakeAt();
    const timeout = Math.min(
      IDLE_WAIT_MS,
      due === null ? IDLE_WAIT_MS : Math.max(0, due - performance.now()),
    );
    const slept = this.#sleep(timeout);
    grabber.changes(timeout).then(() => this.#wake?.(), () => this.#wake?.());
    await slept;
  }

  /** One round; `false` when there was nothing to do (no damage, nothing due, no keyframe, no video). */
  async #round(): Promise<boolean> {
    const { grabber, planner } = this.#o;
    const damage = grabber.damage();
    const key = this.#keyWanted;
    if (!key && !damage.length && !this.#videoMode && !planner.pending(performance.now())) return false;
    // Taken now: a keyframe asked for while the grab below runs is for the next round, not lost.
    this.#keyWanted = false;
    // A keyframe reads all of the screen; else only the damage (the grabber keeps the rest current).
    const frame = await grabber.grab(key ? undefined : damage);
    const timestampUs = Math.round((performance.timeOrigin + performance.now()) * 1000);
    const plan = key
      ? planner.keyframe(frame, performance.now())
      : planner.plan(frame, damage, performance.now());
    // Video starts, moves or ends; a keyframe asked for while the whole screen is video comes from the encoder.
    this.#video.follow(plan, frame);
    if ((plan.video && !plan.region) || !plan.ops.length) return true;
    const sent = this.#o.send({ key: plan.key, timestampUs, payload: this.#encode(frame, plan) });
    if (plan.key) this.#video.keyUpdateSent(); // queued: the region's next keyframe comes after it
    await sent;
    return true;
  }

  #encode(frame: Frame, plan: Plan): Uint8Array {
    const writer = new ScreenUpdateWriter();
    for (const op of plan.ops) writer.add(this.#screenOp(frame, op));
    return writer.finish();
  }

  #screenOp(frame: Frame, op: Plan["ops"][number]): ScreenOp {
    if (op.op !== "tile") return op;
    const lossless = op.quality === "lossless";
    const data = lossless ? this.#o.encoders.lossless(frame, op) : this.#o.encoders.lossy(frame, op);
    return {
      op: "image",
      format: lossless ? "webp" : "jpeg",
      lossless,
      x: op.x,
      y: op.y,
      w: op.w,
      h: op.h,
      data,
    };
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }
}

/** JPEG quality of moving tiles: they are replaced within 250 ms of standing still (lossless refinement). */
const LOSSY_QUALITY = 75;

/** What {@linkcode startHybridLoop} needs from the worker. */
export interface HybridWorkerParts {
  /** Updates per second at most. */
  fps: number;
  /** WebCodecs codec string of the worker's video pipeline. */
  codec: string;
  /** The worker's video pipeline. */
  video: VideoSwitch;
  /** Writes one update to the parent. */
  send: HybridLoopOptions["send"];
  /** The loop failed (a grab or an encoder): the worker ends with this error. */
  onFailure(error: Error): void;
}

/**
 * Opens the screen grabber on the worker's display (DISPLAY, XAUTHORITY) and starts the loop with the real
 * planner and encoders (libwebp lossless for still tiles, libjpeg-turbo for moving ones).
 *
 * @example
 * ```ts
 * import { startHybridLoop } from "./_hybrid.ts";
 * const loop = await startHybridLoop({
 *   fps: 30,
 *   codec: "avc1.42e01f",
 *   video: { set() {}, keyframe() {}, area() {} },
 *   send: async (update) => console.log(update.key, update.payload.byteLength),
 *   onFailure: (error) => console.error(error.message),
 * });
 * loop.stop();
 * ```
 */
export async function startHybridLoop(parts: HybridWorkerParts): Promise<HybridLoop> {
  const grabber = await ScreenGrabber.open();
  const loop = new HybridLoop({
    ...parts,
    grabber,
    planner: new HybridPlanner(),
    encoders: {
      lossless: (frame, rect) => encodeWebp(frame, rect, { lossless: true }),
      lossy: (frame, rect) => encodeJpeg(frame, rect, { quality: LOSSY_QUALITY, subsampling: "420" }),
    },
  });
  loop.run().catch(parts.onFailure).finally(() => grabber.close());
  return loop;
}
