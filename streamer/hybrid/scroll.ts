/**
 * Vertical scroll detection by row hashes, the way xpra finds terminal scrolls: hash every row of an area
 * in what the viewers have and in the new frame, find the shift that lines up the most rows, and describe
 * the rows that moved as canvas copies, so a scroll costs a few bytes plus the newly exposed strip.
 *
 * @module
 */
import type { Rect } from "../../protocol/screen_update.ts";
import type { Plane } from "./frame.ts";
import { hashRows } from "./_pixels.ts";

/** Rows `sy..sy+h` of an area's columns now sit at rows `dy..dy+h` (same columns). */
export interface RowMove {
  /** First source row. */
  sy: number;
  /** First destination row. */
  dy: number;
  /** Rows moved. */
  h: number;
}

/** Tuning of {@linkcode ScrollDetector}. */
export interface ScrollOptions {
  /**
   * Smallest area side looked at: a scroll of a smaller area is cheap to send as tiles anyway.
   * @default 128
   */
  minSide?: number;
  /**
   * Fewest rows that must line up (and at least half the area's rows): fewer is more likely chance, e.g.
   * blank lines that match any other blank line.
   * @default 64
   */
  minRows?: number;
  /**
   * Shortest run of lined-up rows worth a copy operation (a shorter one is left to the tiles).
   * @default 8
   */
  minRun?: number;
}

/**
 * Finds a vertical scroll inside an area, reusing its buffers from call to call.
 *
 * @example
 * ```ts
 * import { ScrollDetector } from "./scroll.ts";
 * const w = 128, h = 256;
 * const prev = { px: new Uint32Array(w * h), stride: w }, cur = { px: new Uint32Array(w * h), stride: w };
 * for (let i = 0; i < w * h; i++) prev.px[i] = Math.floor(i / w) * 7919; // every row different
 * cur.px.set(prev.px.subarray(10 * w)); // scrolled up by 10 rows
 * new ScrollDetector().detect(prev, cur, { x: 0, y: 0, w, h }); // { shift: -10, moves: [{ sy: 10, dy: 0, h: 246 }] }
 * ```
 */
export class ScrollDetector {
  readonly #minSide: number;
  readonly #minRows: number;
  readonly #minRun: number;
  #prevHash = new Int32Array(0);
  #curHash = new Int32Array(0);
  // The last call's current-frame hashes, its area and update number (NaN: not reusable).
  #lastEpoch = NaN;
  readonly #lastArea: Rect = { x: 0, y: 0, w: 0, h: 0 };
  #votes = new Int32Array(0);
  // Row hash -> its row in the previous frame, or -1 when several rows share it (blank lines).
  readonly #rowOf = new Map<number, number>();

  /** Creates a detector. */
  constructor(options: ScrollOptions = {}) {
    this.#minSide = options.minSide ?? 128;
    this.#minRows = options.minRows ?? 64;
    this.#minRun = options.minRun ?? 8;
  }

  /**
   * The vertical shift of `area` from `prev` to `cur` (negative: content moved up) and the row runs that
   * moved, in the order a viewer must apply them (each source is read before any earlier copy overwrites
   * it); null when the area is too small or no shift explains enough rows. Rows are absolute screen rows.
   *
   * `epoch` numbers the updates (from 0 up, one per update): when the previous call was update `epoch - 1`
   * on the same area, its current-frame row hashes are taken as this call's `prev` hashes, halving the
   * hashing of a continuous scroll. The caller guarantees that `prev` over the area is then that call's
   * `cur` (true of the planner's copy after each update), or passes -1.
   */
  detect(prev: Plane, cur: Plane, area: Rect, epoch = -1): { shift: number; moves: RowMove[] } | null {
    const { x, y, w, h } = area;
    if (w < this.#minSide || h < this.#minSide) return null;
    if (this.#prevHash.length < h) {
      this.#prevHash = new Int32Array(h);
      this.#curHash = new Int32Array(h);
      this.#votes = new Int32Array(2 * h + 1);
      this.#lastEpoch = NaN;
    }
    const last = this.#lastArea;
    const reuse = epoch >= 0 && this.#lastEpoch === epoch - 1 && last.x === x && last.y === y &&
      last.w === w && last.h === h;
    if (reuse) [this.#prevHash, this.#curHash] = [this.#curHash, this.#prevHash];
    const ph = this.#prevHash, ch = this.#curHash, votes = this.#votes;
    if (!reuse) hashRows(prev, x, y, w, h, ph);
    hashRows(cur, x, y, w, h, ch);
    [this.#lastEpoch, last.x, last.y, last.w, last.h] = [epoch >= 0 ? epoch : NaN, x, y, w, h];
    // Vote with rows whose content is unique in the previous frame: a blank line would vote for every shift.
    const rowOf = this.#rowOf;
    rowOf.clear();
    for (let r = 0; r < h; r++) rowOf.set(ph[r], rowOf.has(ph[r]) ? -1 : r);
    votes.fill(0, 0, 2 * h + 1);
    const limit = h >> 1; // |shift| < h/2: a larger move leaves less than half the area to copy.
    for (let r = 0; r < h; r++) {
      if (ch[r] === ph[r]) continue; // unchanged row: says nothing about a shift
      const from = rowOf.get(ch[r]);
      if (from === undefined || from < 0) continue;
      const d = r - from;
      if (d !== 0 && d < limit && d > -limit) votes[d + h]++;
    }
    let shift = 0, best = 0;
    for (let d = -limit + 1; d < limit; d++) {
      if (votes[d + h] > best) [best, shift] = [votes[d + h], d];
    }
    if (shift === 0) return null;
    // Judge the best shift on every row: how many line up, and how many of those it explains that were not
    // already unchanged (gained) against rows it would break (unchanged rows that do not line up).
    let matched = 0, gained = 0, lost = 0;
    const r0 = Math.max(0, shift), r1 = Math.min(h, h + shift);
    for (let r = r0; r < r1; r++) {
      const same = ch[r] === ph[r];
      if (ch[r] === ph[r - shift]) {
        matched++;
        if (!same) gained++;
      } else if (same) lost++;
    }
    if (matched < this.#minRows || matched * 2 < h || gained <= lost) return null;
    const moves: RowMove[] = [];
    let start = -1, useful = false;
    const close = (end: number) => {
      // A run of rows that were already unchanged (blank lines on blank lines) is not worth an operation.
      if (start >= 0 && useful && end - start >= this.#minRun) {
        moves.push({ sy: y + start - shift, dy: y + start, h: end - start });
      }
      start = -1;
      useful = false;
    };
    for (let r = r0; r < r1; r++) {
      if (ch[r] === ph[r - shift]) {
        if (start < 0) start = r;
        if (ch[r] !== ph[r]) useful = true;
      } else close(r);
    }
    close(r1);
    if (moves.length === 0) return null;
    // Content moving down (shift > 0): copy the lowest run first, so no copy reads rows an earlier one wrote.
    if (shift > 0) moves.reverse();
    return { shift, moves };
  }
}
