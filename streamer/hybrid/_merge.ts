// Turns per-tile decisions into as few rectangles as fit: runs of equal tiles along a tile row, then runs of
// equal spans down the rows. Fewer, larger images: a 1920-wide changed band is one image, not 30, which
// saves per-image headers and per-operation work on both ends.
import type { PlannedOp } from "./plan.ts";
import type { TileGrid } from "./tiles.ts";

/** Per-tile decision of one update. */
export const Kind = { none: 0, fill: 1, lossless: 2, lossy: 3 } as const;

interface Open {
  c0: number;
  c1: number;
  kind: number;
  colour: number;
  r0: number;
  r1: number;
}

/**
 * Appends the operations for `kind` (and `colour` of fill tiles) to `ops`. A rectangle grows down only while
 * it stays at most `maxHeight` pixels tall, so a full-screen change is a few bands the worker can encode in
 * parallel and send as each is ready.
 */
export function mergeTiles(
  grid: TileGrid,
  kind: Uint8Array,
  colour: Uint32Array,
  maxHeight: number,
  ops: PlannedOp[],
): void {
  const { cols, rows, size } = grid;
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
      let end = c + 1;
      while (end < cols && kind[base + end] === k && (k !== Kind.fill || colour[base + end] === col)) end++;
      const at = open.findIndex((o) =>
        o.c0 === c && o.c1 === end && o.kind === k && o.colour === col && o.r1 - o.r0 < maxRows
      );
      if (at >= 0) {
        const o = open[at];
        open.splice(at, 1);
        o.r1 = r + 1;
        next.push(o);
      } else next.push({ c0: c, c1: end, kind: k, colour: col, r0: r, r1: r + 1 });
      c = end;
    }
    for (const o of open) emit(grid, o, ops);
    [open, next] = [next, open];
    next.length = 0;
  }
  for (const o of open) emit(grid, o, ops);
}

function emit(grid: TileGrid, o: Open, ops: PlannedOp[]): void {
  const x = o.c0 * grid.size, y = o.r0 * grid.size;
  const w = Math.min(o.c1 * grid.size, grid.width) - x, h = Math.min(o.r1 * grid.size, grid.height) - y;
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
