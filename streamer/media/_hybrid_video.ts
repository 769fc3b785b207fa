/**
 * The hybrid loop's video side: which part of the screen the worker's H.264 pipeline encodes (none, a
 * region, or the whole screen, as the planner says), and which of its frames are wrapped as `video`
 * operations. A frame of an area that is no longer the video's (the encoder still held it when the area
 * changed or video ended) is dropped, so nothing older than the tiles is drawn, and never at another place.
 *
 * @module
 */
import { type Rect, ScreenUpdateWriter } from "../../protocol/screen_update.ts";
import type { Plan } from "../hybrid/mod.ts";

/** The worker's H.264 pipeline, as the loop drives it. */
export interface VideoSwitch {
  /** Runs (`true`) or holds the video pipeline. */
  set(running: boolean): void;
  /** Asks the encoder for a keyframe. */
  keyframe(): void;
  /**
   * Encodes `area` of the screen from now on (undefined: all of it); frames of an earlier area are not
   * passed to {@linkcode HybridVideo.wrap} any more (streamer/media/_video_area.ts).
   */
  area(area: Rect | undefined): void;
}

/** One wrapped video frame: the update's bytes and whether it is a key update (repaints the whole screen). */
export interface WrappedVideo {
  payload: Uint8Array;
  key: boolean;
}

/**
 * Follows the plans' video and wraps the encoder's frames.
 *
 * @example
 * ```ts
 * import { HybridVideo } from "./_hybrid_video.ts";
 * const video = new HybridVideo({ set() {}, keyframe() {}, area() {} }, "avc1.42e01f");
 * const region = { x: 64, y: 64, w: 640, h: 512 };
 * video.follow({ ops: [], video: true, key: false, region }, { width: 1920, height: 1080 });
 * video.wrap(region, true, new Uint8Array(8))?.key; // false: a region's keyframe is not a key update
 * ```
 */
export class HybridVideo {
  readonly #switch: VideoSwitch;
  readonly #codec: string;
  #area: Rect | null = null;
  #full = false;
  #watched = true;
  #awaitKey = false;

  constructor(video: VideoSwitch, codec: string) {
    this.#switch = video;
    this.#codec = codec;
  }

  /** Whether the whole screen is video (the loop then only watches for the motion's end). */
  get full(): boolean {
    return this.#full;
  }

  /** Whether some video (region or full) is what the viewers see. */
  get on(): boolean {
    return this.#area !== null;
  }

  /** Follows one plan of a `screen`-sized frame: starts, moves or stops the video. */
  follow(plan: Plan, screen: { width: number; height: number }): void {
    const area = plan.video ? plan.region ?? { x: 0, y: 0, w: screen.width, h: screen.height } : null;
    if (!sameRect(area, this.#area)) {
      this.#area = area && { ...area };
      this.#full = plan.video && !plan.region;
      if (area) this.#switch.area(plan.region);
      this.#switch.set(area !== null && this.#watched);
      if (area) this.#restart();
    } else if (plan.video && plan.key && !plan.region) this.#switch.keyframe(); // full: the encoder's keyframe
  }

  /**
   * A key update of tiles has just been queued while a region is video: the region's frames resume at the
   * encoder's next keyframe (a viewer that skipped to the key update has none of the deltas before it), and
   * come after the key update (whose `size` clears the canvas).
   */
  keyUpdateSent(): void {
    if (this.#area && !this.#full && !this.#awaitKey) this.#restart();
  }

  /** Whether anyone watches: with nobody, the pipeline is held. */
  setWatched(watched: boolean): void {
    this.#watched = watched;
    if (this.#area) this.#switch.set(watched);
  }

  /** A viewer asks for a keyframe while the whole screen is video: the encoder makes it. */
  keyframe(): void {
    this.#switch.keyframe();
  }

  /**
   * Wraps one encoded frame of `area` as an update; undefined when it is not what the viewers see now
   * (another area, video ended, or a delta before the keyframe a restart waits for). Full-screen keyframes
   * are key updates (`size`, `codec`, `video`); a region's frames never are (they paint part of the screen).
   */
  wrap(area: Rect, key: boolean, data: Uint8Array): WrappedVideo | undefined {
    if (!this.#area || !sameRect(area, this.#area)) return undefined;
    if (this.#awaitKey && !key) return undefined;
    if (key) this.#awaitKey = false;
    const writer = new ScreenUpdateWriter();
    if (key && this.#full) writer.add({ op: "size", width: area.w, height: area.h });
    if (key) writer.add({ op: "codec", codec: this.#codec });
    writer.add({ op: "video", key, x: area.x, y: area.y, w: area.w, h: area.h, data });
    return { payload: writer.finish(), key: key && this.#full };
  }

  #restart(): void {
    this.#awaitKey = true;
    this.#switch.keyframe();
  }
}

/** Whether two rectangles (or nulls) are the same. */
function sameRect(a: Rect | null, b: Rect | null): boolean {
  return a === b || (a !== null && b !== null && a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h);
}
