// Turns per-tile decisions into as few rectangles as fit: runs of equal tiles along a tile row, then runs of
// equal spans down the rows. Fewer, larger images: a 1920-wide changed band is one image, not 30, which
// saves per-image headers and per-operation work on both ends. Then lossless images close to each other are
// joined into their bounding box where that takes in little unchanged screen: each image costs libwebp a
// fixed ~0.1 ms (a 1 MiB hash table cleared per encode, measured) and the viewer one more decode.
import type { PlannedOp, TileOp } from "./plan.ts";
import type { TileGrid } from "./tiles.ts";

/**
 * Pixels of unchanged screen two lossless images may take in when joined. Measured on the benchmark's region
 * content (encode time of each update's images, p50): none 0.74 ms, 4096 0.57, 8192 0.49, 16384 0.82.
 */
export const JOIN_SLACK = 8192;
/** Most lossless images looked at for joining (pairs are compared: a busy update is left as it is). */
const JOIN_MAX = 64;

/** Per-tile decision of one update. */
export const Kind = { none: 0, fill: 1, lossless: 2, lossy: 3 } as const;

interface Open {
  c0: number;
  c1: number;
  kind: number;
  colour: number;
  r0: number;
  r1: number;
  alone: boolean;
}

// Whether tile i's box is less than the whole tile.
function partial(grid: TileGrid, box: Uint16Array | undefined, i: number): boolean {
  if (!box) return false;
  const c = i % grid.cols, r = (i - c) / grid.cols, at = i * 4;
  return box[at] !== c * grid.size || box[at + 1] !== r * grid.size ||
    box[at + 2] !== Math.min(grid.width, (c + 1) * grid.size) ||
    box[at + 3] !== Math.min(grid.height, (r + 1) * grid.size);
}

/**
 * Appends the operations for `kind` (and `colour` of fill tiles) to `ops`. A rectangle grows down only while
 * it stays at most `maxHeight` pixels tall, so a full-screen change is a few bands the worker can encode in
 * parallel and send as each is ready. With `box` (x0, y0, x1, y1 per tile: the part of the tile to send),
 * each rectangle shrinks to the bounding box of its tiles' boxes.
 */
export function mergeTiles(
  grid: TileGrid,
  kind: Uint8Array,
  colour: Uint32Array,
  maxHeight: number,
  ops: PlannedOp[],
  box?: Uint16Array,
): void {
  const { cols, rows, size } = grid;
  const first = ops.length;
  const maxRows = Math.max(1, Math.floor(maxHeight / size));
  let open: Open[] = [];
  let next: Open[] = [];
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols;) {
      const k = kind[base + c];
      if (k === Kind.none) {
        c++;
        continue;
      }
      const col = k === Kind.fill ? colour[base + c] : 0;
      // A fill of part of a tile stands alone: the bounding box of two such parts may hold other colours
      // (an image is safe to grow: the pixels it takes in are sent as they are).
      const alone = k === Kind.fill && partial(grid, box, base + c);
      let end = c + 1;
      while (
        !alone && end < cols && kind[base + end] === k &&
        (k !== Kind.fill || (colour[base + end] === col && !partial(grid, box, base + end)))
      ) end++;
      const at = alone
        ? -1
        : open.findIndex((o) =>
          !o.alone && o.c0 === c && o.c1 === end && o.kind === k && o.colour === col && o.r1 - o.r0 < maxRows
        );
      if (at >= 0) {
        const o = open[at];
        open.splice(at, 1);
        o.r1 = r + 1;
        next.push(o);
      } else next.push({ c0: c, c1: end, kind: k, colour: col, r0: r, r1: r + 1, alone });
      c = end;
    }
    for (const o of open) emit(grid, o, ops, box);
    [open, next] = [next, open];
    next.length = 0;
  }
  for (const o of open) emit(grid, o, ops, box);
  joinImages(ops, first, maxHeight);
}

/**
 * Joins lossless images of `ops` (from index `first`) into their bounding box while that covers at most
 * `slack` pixels more than the two, and no taller than `maxHeight` (or the taller of the two).
 * Safe anywhere: an image sends the frame's pixels, which are what the viewers hold outside the changed boxes
 * (and a fill it covers paints the same pixels); lossy images are never joined, so nothing exact turns lossy.
 *
 * @example
 * ```ts
 * import { joinImages } from "./_merge.ts";
 * import type { PlannedOp } from "./plan.ts";
 * const ops: PlannedOp[] = [
 *   { op: "tile", x: 0, y: 0, w: 40, h: 20, quality: "lossless" },
 *   { op: "tile", x: 60, y: 0, w: 40, h: 30, quality: "lossless" },
 * ];
 * joinImages(ops, 0, 128); // ops: [{ op: "tile", x: 0, y: 0, w: 100, h: 30, quality: "lossless" }]
 * ```
 */
export function joinImages(ops: PlannedOp[], first: number, maxHeight: number, slack = JOIN_SLACK): void {
  const at: number[] = [];
  for (let i = first; i < ops.length && at.length <= JOIN_MAX; i++) {
    const op = ops[i];
    if (op.op === "tile" && op.quality === "lossless") at.push(i);
  }
  if (at.length < 2 || at.length > JOIN_MAX) return;
  const images = at.map((i) => ops[i] as TileOp);
  for (let joined = true; joined;) {
    joined = false;
    for (let i = 0; i < images.length; i++) {
      for (let j = i + 1; j < images.length; j++) {
        const a = images[i], b = images[j];
        const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
        const w = Math.max(a.x + a.w, b.x + b.w) - x, h = Math.max(a.y + a.h, b.y + b.h) - y;
        if (w * h > a.w * a.h + b.w * b.h + slack || h > Math.max(maxHeight, a.h, b.h)) continue;
        images[i] = { op: "tile", x, y, w, h, quality: "lossless" };
        images.splice(j, 1);
        joined = true;
        j = i; // the grown image may now take in one already passed
      }
    }
  }
  // The joined images take the first lossless places (everything from `first` paints the frame's pixels, so
  // the order among them is free); the other places are dropped.
  let k = 0;
  for (const op of ops.splice(first)) {
    if (op.op !== "tile" || op.quality !== "lossless") ops.push(op);
    else if (k < images.length) ops.push(images[k++]);
  }
}

function emit(grid: TileGrid, o: Open, ops: PlannedOp[], box?: Uint16Array): void {
  let x = o.c0 * grid.size, y = o.r0 * grid.size;
  let w = Math.min(o.c1 * grid.size, grid.width) - x, h = Math.min(o.r1 * grid.size, grid.height) - y;
  if (box) {
    let x0 = Infinity, y0 = Infinity, x1 = 0, y1 = 0;
    for (let r = o.r0; r < o.r1; r++) {
      for (let c = o.c0; c < o.c1; c++) {
        const at = (r * grid.cols + c) * 4;
        [x0, y0, x1, y1] = [
          Math.min(x0, box[at]),
          Math.min(y0, box[at + 1]),
          Math.max(x1, box[at + 2]),
          Math.max(y1, box[at + 3]),
        ];
      }
    }
    [x, y, w, h] = [x0, y0, x1 - x0, y1 - y0];
  }
  if (o.kind === Kind.fill) {
    // BGRX little-endian: blue is the low byte.
    ops.push({
      op: "fill",
      x,
      y,
      w,
      h,
      rgb: [(o.colour >> 16) & 255, (o.colour >> 8) & 255, o.colour & 255],
    });
  } else ops.push({ op: "tile", x, y, w, h, quality: o.kind === Kind.lossy ? "lossy" : "lossless" });
}
