/**
 * The hybrid encoder's per-update decision: from the new frame and X's damage to a plan of copies, fills
 * and image tiles (or "send video"), against its own copy of what the viewers have.
 *
 * The rules, in the order they apply (each one's why is at its code):
 * 1. Scroll: a damaged area whose rows reappear shifted becomes `copy` operations, applied to the copy first
 *    (searched only where the first pass of the diff found changes).
 * 2. Diff: only tiles touching damage (or a copy) are compared, and only changed ones are sent.
 * 3. Video: when much of the screen keeps moving, the whole update goes to the video encoder instead; when
 *    one large area moves (a movie, a GL viewport), only that region does, and the rest stays tiles.
 * 4. Per changed tile, only the box of pixels that differ is sent: one colour -> `fill`; changed often lately
 *    ("moving") and photo-like -> lossy; else lossless.
 * 5. Refinement: lossy tiles that stayed still are re-sent lossless, oldest first, a bounded amount per update.
 *
 * @module
 */
import type { Rect } from "../../protocol/screen_update.ts";
import { type Frame, type Plane, planeOf } from "./frame.ts";
import { Kind, mergeTiles } from "./_merge.ts";
import {
  bounds,
  CHANGED,
  changedArea,
  copyTiles,
  diffBox,
  diffTiles,
  PENDING,
  tightenColumns,
} from "./_diff.ts";
import { copyRect, moreColoursThan, moveRows, solidColor } from "./_pixels.ts";
import type { Plan, PlannedOp, Planner } from "./plan.ts";
import { type HybridPlannerOptions, type PlannerTuning, tuning } from "./options.ts";
import { ScrollDetector } from "./scroll.ts";
import { Held, TileGrid } from "./tiles.ts";
import { VideoChoice } from "./_video_choice.ts";
import { MovingWindow } from "./_moving_window.ts";

/** A tile's state during a plan: changed inside the video region (video sends it, not a tile). */
const IN_REGION = 3;
/**
 * Plans screen updates for the hybrid encoding and keeps, between updates, the pixels and per-tile state
 * the viewers hold once each plan is applied.
 *
 * @example
 * ```ts
 * import { HybridPlanner } from "./planner.ts";
 * const frame = { data: new Uint8Array(256 * 128 * 4), width: 256, height: 128, stride: 256 * 4 };
 * const planner = new HybridPlanner();
 * planner.keyframe(frame).ops[0]; // { op: "size", width: 256, height: 128 }
 * frame.data.fill(200, 0, 4 * 40); // a change in the first row
 * planner.plan(frame, [{ x: 0, y: 0, w: 40, h: 1 }], 16).ops; // [{ op: "tile", x: 0, y: 0, w: 40, h: 1, quality: "lossless" }]
 * planner.plan(frame, [], 32).ops.length; // 0
 * ```
 */
export class HybridPlanner implements Planner {
  readonly #o: PlannerTuning;
  readonly #scroll: ScrollDetector;
  readonly #video: VideoChoice;
  #grid: TileGrid | null = null;
  #epoch = 0;
  #lastPlanMs = 0;
  readonly #moving: MovingWindow;
  #shadow: Plane | null = null;
  // Per update, per tile: 0, PENDING or CHANGED (./_diff.ts); the decision (Kind); a fill's colour.
  #state = new Uint8Array(0);
  #kind = new Uint8Array(0);
  #colour = new Uint32Array(0);
  // Per tile, the part to send (x0, y0, x1, y1): what differs in a changed tile, else the whole tile.
  #box = new Uint16Array(0);
  #colours = new Int32Array(0);
  // Per tile while it moves: photo-like (1) or not (0), -1 not judged yet.
  #photo = new Int8Array(0);
  #order = new Int32Array(0);
  // Per tile, this update: 0 still, 1 moving, 2 moving and photo-like (what a video region is made of).
  #mask = new Uint8Array(0);
  readonly #aligned: { buffer?: Uint32Array } = {};
  readonly #r: Rect = { x: 0, y: 0, w: 0, h: 0 };

  /** Creates a planner; the first plan is a keyframe. */
  constructor(options: HybridPlannerOptions = {}) {
    this.#o = tuning(options);
    this.#scroll = new ScrollDetector(options);
    this.#video = new VideoChoice(options);
    this.#moving = new MovingWindow(this.#o.movingChanges, this.#o.movingWindowMs);
  }

  /** What the viewers hold once the last plan is applied (true pixels: lossy tiles are counted in `grid`). */
  get screen(): Plane | null {
    return this.#shadow;
  }

  /** The tile grid and its per-tile state; null before the first plan. */
  get grid(): TileGrid | null {
    return this.#grid;
  }

  /**
   * Plans one update. `damage` lists the areas that may have changed since the previous call (X's damage;
   * may be empty). A frame of another size than the last one is planned as a keyframe.
   */
  plan(frame: Frame, damage: readonly Rect[], nowMs: number): Plan {
    const grid = this.#grid, shadow = this.#shadow;
    if (!grid || !shadow || grid.width !== frame.width || grid.height !== frame.height) {
      return this.keyframe(frame);
    }
    const cur = planeOf(frame, this.#aligned);
    const state = this.#state, kind = this.#kind, r = this.#r;
    const epoch = ++this.#epoch;
    this.#lastPlanMs = nowMs;
    state.fill(0);
    kind.fill(Kind.none);
    for (const d of damage) grid.mark(d, state, PENDING);
    // 2. Diff (first pass, before any copy): a still screen under full damage stops here, and the scroll
    // search looks only where something changed.
    const changed = diffTiles(grid, shadow, cur, state);
    const ops: PlannedOp[] = [];
    // 1. Scroll. Skipped in video mode: video carries a scroll as well, and hashing a 1080p area costs ms.
    if (changed > 0 && !this.#video.full) {
      let copied = false;
      // Each damage rectangle, and their bounding box when X split the change (text drawn in runs).
      for (const d of damage.length > 1 ? [bounds(damage), ...damage] : damage) {
        const area = changedArea(grid, state, d);
        // Not where region video draws: the viewers' pixels there are the encoder's, and video moves them.
        if (!area || this.#video.meets(area, grid.size)) continue;
        tightenColumns(shadow, cur, area);
        // The previous update's row hashes are this one's as long as no copy moved rows since.
        const found = this.#scroll.detect(shadow, cur, area, copied ? -1 : epoch);
        for (const m of found?.moves ?? []) {
          moveRows(shadow, area.x, area.w, m.sy, m.dy, m.h);
          grid.moveHeld(area.x, area.w, m, nowMs);
          ops.push({ op: "copy", sx: area.x, sy: m.sy, w: area.w, h: m.h, dx: area.x, dy: m.dy });
          // What a copy wrote is compared again (then the diff repairs any row that does not match).
          grid.mark({ x: area.x, y: m.dy, w: area.w, h: m.h }, state, PENDING);
          copied = true;
        }
      }
      if (copied) diffTiles(grid, shadow, cur, state);
    }
    // 3. Video: the moving share counts tiles moving lately, changed in this update or not (a 30 fps movie
    // planned at 60 Hz changes every other update). Decided before classifying, which video makes moot.
    const { movingChanges } = this.#o, movingWindowMs = this.#window(grid, state, nowMs);
    // Video judges no tile's colours: there, a moving tile not judged yet counts as photo-like (it is video).
    const mask = this.#mask, full = this.#video.full;
    for (let i = 0; i < grid.count; i++) {
      if (state[i] === CHANGED) grid.changed(i, nowMs);
      if (!grid.isMoving(i, nowMs, movingChanges, movingWindowMs)) mask[i] = 0;
      else if (this.#photo[i] >= 0) mask[i] = this.#photo[i] === 1 ? 2 : 1;
      else mask[i] = full || this.#video.covers(i, grid.cols) ? 2 : 1;
    }
    this.#video.update(grid, mask, state, nowMs);
    if (this.#video.full) {
      copyTiles(grid, shadow, cur, state, CHANGED);
      // The viewers now show video-quality pixels everywhere: every tile is refined once video ends.
      grid.held.fill(Held.lossy);
      return { ops: [], video: true, key: false };
    }
    // Region video: its tiles are the encoder's (held lossy, refined once the region ends), the rest below.
    if (this.#video.region) {
      for (let i = 0; i < grid.count; i++) {
        if (!this.#video.covers(i, grid.cols)) continue;
        if (state[i] === CHANGED) state[i] = IN_REGION;
        grid.held[i] = Held.lossy;
      }
      copyTiles(grid, shadow, cur, state, IN_REGION);
    }
    // 4. Send what differs, classified.
    for (let i = 0; i < grid.count; i++) {
      if (state[i] === CHANGED) diffBox(shadow, cur, grid.rect(i, r), this.#box, i * 4);
    }
    copyTiles(grid, shadow, cur, state, CHANGED);
    for (let i = 0; i < grid.count; i++) {
      if (state[i] !== CHANGED) continue;
      // A tile the viewers hold lossy becomes exact only if all of it is sent, not just what changed.
      if (!this.#classifyStill(i, cur, grid.rect(i, r), grid.held[i] === Held.lossy)) {
        // Moving photo-like content is sent lossy: it will be overdrawn within frames, and its JPEG is
        // several times smaller and faster to encode; refinement makes it exact once it stops.
        if (!grid.isMoving(i, nowMs, movingChanges, movingWindowMs)) this.#photo[i] = -1;
        else if (this.#photoLike(i, cur)) {
          kind[i] = Kind.lossy;
          grid.held[i] = Held.lossy;
        }
      }
    }
    // 5. Refinement.
    this.#refine(cur, nowMs);
    mergeTiles(grid, kind, this.#colour, this.#o.maxRectHeight, ops, this.#box);
    return this.#video.plan(grid, ops, false);
  }

  /**
   * Plans the whole screen for a new or re-syncing viewer: `size` first, then every tile as a fill or a
   * lossless image; all tiles count as held exact afterwards. In video mode the plan is `size` and `video`
   * (the caller sends a video keyframe); with region video, the tiles outside it and `region`. A new screen
   * size starts a fresh history. `nowMs` is accepted for symmetry with {@linkcode HybridPlanner.plan}.
   */
  keyframe(frame: Frame, _nowMs?: number): Plan {
    const cur = planeOf(frame, this.#aligned);
    const { width, height } = frame;
    if (!this.#grid || this.#grid.width !== width || this.#grid.height !== height) {
      this.#grid = new TileGrid(width, height, this.#o.tileSize);
      this.#shadow = { px: new Uint32Array(width * height), stride: width };
      const n = this.#grid.count;
      [this.#state, this.#kind, this.#colour] = [new Uint8Array(n), new Uint8Array(n), new Uint32Array(n)];
      [this.#order, this.#box, this.#photo, this.#mask] = [
        new Int32Array(n),
        new Uint16Array(n * 4),
        new Int8Array(n).fill(-1),
        new Uint8Array(n),
      ];
      this.#video.reset();
    }
    const grid = this.#grid, r = this.#r;
    this.#epoch++;
    copyRect(this.#shadow!, cur, 0, 0, width, height);
    const ops: PlannedOp[] = [{ op: "size", width, height }];
    if (this.#video.full) {
      grid.held.fill(Held.lossy);
      return { ops, video: true, key: true };
    }
    this.#kind.fill(Kind.none);
    for (let i = 0; i < grid.count; i++) {
      if (this.#video.covers(i, grid.cols)) grid.held[i] = Held.lossy;
      else this.#classifyStill(i, cur, grid.rect(i, r), true);
    }
    mergeTiles(grid, this.#kind, this.#colour, this.#o.maxRectHeight, ops, this.#box);
    return this.#video.plan(grid, ops, true);
  }

  /** Whether a plan at `nowMs` without damage would send something (see {@linkcode HybridPlanner.wakeAt}). */
  pending(nowMs: number): boolean {
    const at = this.wakeAt();
    return at !== null && at <= nowMs;
  }

  /**
   * When a plan without damage would send something though nothing changed (lossless refinement of lossy
   * tiles, or the end of video mode); null when nothing is pending. The caller plans again at that time.
   */
  wakeAt(): number | null {
    const grid = this.#grid;
    if (!grid) return null;
    // In video mode: when the calm second ends, or, while the screen still counts as moving, when its
    // motion has aged out of the window if nothing moves meanwhile (the calm second starts at that plan).
    const video = this.#video.full || this.#video.region
      ? this.#video.leaveAt ?? this.#lastPlanMs + this.#o.movingWindowMs
      : Infinity;
    if (this.#video.full) return video;
    let oldest = Infinity;
    for (let i = 0; i < grid.count; i++) {
      if (this.#video.covers(i, grid.cols)) continue; // refined once the region ends
      if (grid.held[i] === Held.lossy && grid.lastChange[i] < oldest) oldest = grid.lastChange[i];
    }
    const refine = oldest === Infinity ? Infinity : Math.max(oldest, -1e15) + this.#o.refineAfterMs;
    const at = Math.min(video, refine);
    return at === Infinity ? null : at;
  }

  // The moving window of this update (./_moving_window.ts): stretched while updates are heavy.
  #window(grid: TileGrid, state: Uint8Array, nowMs: number): number {
    const r = this.#r;
    let changed = 0;
    for (let i = 0; i < grid.count; i++) if (state[i] === CHANGED) changed += grid.rect(i, r).w * r.h;
    return this.#moving.next({
      changed,
      screen: grid.width * grid.height,
      fullVideo: this.#video.full,
      nowMs,
    });
  }

  // Whether moving tile i's changed box is worth JPEG: large enough, and many colours (see the options'
  // numbers). The colour verdict is taken when the tile starts moving and kept while it moves (content
  // rarely changes kind mid-motion, and counting every update cost ~2 ms for a moving 1080p screen); a
  // wrong one costs bytes or a refinement, never exactness.
  #photoLike(i: number, cur: Plane): boolean {
    const b = this.#box, at = i * 4, { lossyMinPixels, lossyMinColours } = this.#o;
    if ((b[at + 2] - b[at]) * (b[at + 3] - b[at + 1]) < lossyMinPixels) return false;
    if (this.#photo[i] < 0) {
      if (this.#colours.length < lossyMinColours) this.#colours = new Int32Array(lossyMinColours);
      const many = moreColoursThan(
        cur,
        b[at],
        b[at + 1],
        b[at + 2],
        b[at + 3],
        lossyMinColours,
        this.#colours,
      );
      this.#photo[i] = many ? 1 : 0;
    }
    return this.#photo[i] === 1;
  }

  // Tile i as still content: its box (all of it when `whole`: a keyframe, a refinement, a lossy tile) of one
  // colour -> fill (a few bytes, exact: a button, a selection, a progress bar), else lossless; held exact.
  // Returns whether it was a fill.
  #classifyStill(i: number, cur: Plane, r: Rect, whole = false): boolean {
    const b = this.#box, at = i * 4;
    if (whole) b.set([r.x, r.y, r.x + r.w, r.y + r.h], at);
    const colour = solidColor(cur, b[at], b[at + 1], b[at + 2] - b[at], b[at + 3] - b[at + 1]);
    this.#grid!.held[i] = Held.exact;
    if (colour >= 0) {
      this.#kind[i] = Kind.fill;
      this.#colour[i] = colour;
      return true;
    }
    this.#kind[i] = Kind.lossless;
    return false;
  }

  // Lossy tiles unchanged for refineAfterMs become lossless, oldest first, up to refinePixels per update.
  #refine(cur: Plane, nowMs: number): void {
    const grid = this.#grid!, order = this.#order, kind = this.#kind, r = this.#r;
    let n = 0;
    const due = nowMs - this.#o.refineAfterMs;
    for (let i = 0; i < grid.count; i++) {
      if (grid.held[i] !== Held.lossy || kind[i] !== Kind.none || grid.lastChange[i] > due) continue;
      if (!this.#video.covers(i, grid.cols)) order[n++] = i; // the region's tiles: once it ends
    }
    if (n === 0) return;
    const last = grid.lastChange;
    const picked = order.subarray(0, n).sort((a, b) => last[a] - last[b] || a - b);
    let budget = this.#o.refinePixels;
    for (let k = 0; k < n && budget > 0; k++) {
      this.#classifyStill(picked[k], cur, grid.rect(picked[k], r), true);
      budget -= r.w * r.h;
    }
  }
}
