/**
 * Costs of the hybrid encoding's building blocks on this machine: lossless/lossy WebP and JPEG encodes of a
 * 64x64 tile, a full-width stripe, a 640x120 area and a whole 1920x1080 screen, and an XShm grab of that
 * screen. Content: a real xterm showing syntax-highlighted Python (bench/content/_terminal.ts, "code"), grabbed
 * from a private Xvfb, and a denser synthetic text (random glyphs in four colours on white, every row full).
 * Prints the median time of `--n` runs (default 21) and the median encoded size; 64x64 rows cycle through
 * the screen's tiles that are not one colour. Grabs: the whole screen, and partial grabs into the grabber's
 * mirror (a 640x120 area, a full-width stripe, 16 scattered 64x64 tiles, their bounding box).
 *
 * Run: `deno run -A bench/codec.ts [--n 21]`
 *
 * @module
 */
import { ProcessGroup } from "../streamer/process/group.ts";
import { startXvfb } from "../streamer/display/xvfb.ts";
import { type Frame, ScreenGrabber } from "../streamer/x11/mod.ts";
import { encodeJpeg, encodeWebp, type Rect } from "../streamer/codec/mod.ts";
import { startTerminal } from "./content/_terminal.ts";
import { percentile } from "./stats.ts";
import { textTable } from "./table.ts";

const W = 1920, H = 1080;
const n = Number(Deno.args[Deno.args.indexOf("--n") + 1] || 21);

/** Median milliseconds of `runs` calls, and the median size of what they returned. */
async function time(runs: number, f: () => Uint8Array | Promise<unknown>): Promise<[number, number]> {
  const samples: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const out = await f();
    samples.push(performance.now() - start);
    if (out instanceof Uint8Array) sizes.push(out.byteLength);
  }
  return [percentile(samples, 50), sizes.length ? Math.round(percentile(sizes, 50)) : 0];
}

/** Dense synthetic text: 8x16 random glyphs in 4 colours on white, every row full; padding byte 0 as X's. */
function syntheticText(): Frame {
  const data = new Uint8Array(W * H * 4).fill(255);
  let seed = 1;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const glyphs = Array.from({ length: 96 }, () => Array.from({ length: 128 }, () => random() < 0.3));
  const colours = [[0, 0, 0], [0, 0, 200], [0, 120, 0], [200, 0, 0]]; // BGR
  for (let row = 0; row < H / 16 - 1; row++) {
    for (let col = 0; col < W / 8; col++) {
      const glyph = glyphs[Math.floor(random() * 96)], colour = colours[Math.floor(random() * 4)];
      for (let i = 0; i < 128; i++) {
        if (glyph[i]) data.set(colour, ((row * 16 + (i >> 3)) * W + col * 8 + (i & 7)) * 4);
      }
    }
  }
  for (let i = 3; i < data.length; i += 4) data[i] = 0;
  return { data, width: W, height: H, stride: W * 4 };
}

/** 64x64 tiles that are not a single colour (what a tile encoder sends), up to `max`. */
function busyTiles(frame: Frame, max: number): Rect[] {
  const tiles: Rect[] = [];
  for (let y = 0; y + 64 <= frame.height && tiles.length < max; y += 64) {
    for (let x = 0; x + 64 <= frame.width && tiles.length < max; x += 64) {
      const first = frame.data.subarray(y * frame.stride + x * 4, y * frame.stride + x * 4 + 4);
      let busy = false;
      for (let r = 0; r < 64 && !busy; r++) {
        const row = frame.data.subarray(
          (y + r) * frame.stride + x * 4,
          (y + r) * frame.stride + (x + 64) * 4,
        );
        busy = row.some((v, i) => i % 4 !== 3 && v !== first[i % 4]);
      }
      if (busy) tiles.push({ x, y, w: 64, h: 64 });
    }
  }
  return tiles;
}

/** Partial grabs: what they read, and the areas. */
function partialGrabs(): [string, Rect[]][] {
  const tiles = Array.from({ length: 16 }, (_, i) => ({
    x: (i % 4) * 448,
    y: Math.floor(i / 4) * 256,
    w: 64,
    h: 64,
  }));
  return [
    ["640x120 area", [{ x: 0, y: 128, w: 640, h: 120 }]],
    [`${W}x120 stripe`, [{ x: 0, y: 128, w: W, h: 120 }]],
    ["16 tiles 64x64", tiles],
    ["their box 1408x832", [{ x: 0, y: 0, w: 1408, h: 832 }]],
    ["nothing", []],
  ];
}

async function encodes(content: string, frame: Frame): Promise<string[][]> {
  const rows: string[][] = [];
  const tiles = busyTiles(frame, n);
  const row = async (what: string, rect: Rect | Rect[], f: (r: Rect) => Uint8Array, runs = n) => {
    const list = Array.isArray(rect) ? rect : [rect];
    let i = 0;
    const [ms, bytes] = await time(runs, () => f(list[i++ % list.length]));
    const { w, h } = list[0];
    rows.push([content, what, `${w}x${h}`, ms.toFixed(2), String(bytes)]);
  };
  const full = { x: 0, y: 0, w: W, h: H },
    stripe = { x: 0, y: 128, w: W, h: 64 },
    area = { x: 0, y: 128, w: 640, h: 120 };
  for (const effort of [0, 1, 6]) {
    const webp = (r: Rect) => encodeWebp(frame, r, { lossless: true, effort });
    await row(`webp lossless effort ${effort}`, tiles, webp);
    await row(`webp lossless effort ${effort}`, stripe, webp);
    await row(`webp lossless effort ${effort}`, full, webp, effort === 0 ? n : 3);
  }
  const lossy = (r: Rect) => encodeWebp(frame, r, { lossless: false, quality: 80 });
  for (const r of [tiles, area, full]) await row("webp lossy q80", r, lossy, r === full ? 5 : n);
  for (const subsampling of ["420", "444"] as const) {
    const jpeg = (r: Rect) => encodeJpeg(frame, r, { quality: 80, subsampling });
    for (const r of [tiles, area, full]) await row(`jpeg q80 ${subsampling}`, r, jpeg);
  }
  return rows;
}

const group = new ProcessGroup({ graceMs: 1000 });
const runtimeDir = await Deno.makeTempDir({ prefix: "selkies-codec-bench-" });
let terminal: Deno.ChildProcess | undefined;
try {
  const display = await startXvfb({ width: W, height: H, maxWidth: W, maxHeight: H, runtimeDir, group });
  for (const [k, v] of Object.entries(display.env)) Deno.env.set(k, v);
  terminal = startTerminal("code", { x: 0, y: 0, width: W, height: H });
  const grabber = await ScreenGrabber.open({ display: display.name, xauthority: display.xauthority });
  try {
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the terminal fills the screen
    const [grabMs] = await time(n, () => grabber.grab());
    const grabRows: string[][] = [];
    for (const [what, areas] of partialGrabs()) {
      const [ms] = await time(n, () => grabber.grab(areas));
      grabRows.push(["xterm", "XShm grab into the mirror", what, ms.toFixed(2), ""]);
    }
    const shot = await grabber.grab();
    const xterm = { ...shot, data: shot.data.slice() }; // a still copy: the terminal keeps drawing
    const rows = [
      ["content", "operation", "size", "median ms", "median bytes"],
      ["xterm", "XShm grab", `${W}x${H}`, grabMs.toFixed(2), String(W * H * 4)],
      ...grabRows,
      ...await encodes("xterm code", xterm),
      ...await encodes("synthetic text", syntheticText()),
    ];
    const load = Deno.readTextFileSync("/proc/loadavg").split(" ")[0];
    console.log(`codec bench: median of ${n} runs, ${navigator.hardwareConcurrency} cores, load ${load}`);
    console.log(textTable(rows));
  } finally {
    await grabber.close();
  }
} finally {
  try {
    terminal?.kill("SIGKILL");
    await terminal?.status;
  } catch { /* already gone */ }
  await group.stop();
  await Deno.remove(runtimeDir, { recursive: true });
}
