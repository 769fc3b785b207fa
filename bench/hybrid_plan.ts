/**
 * How long the hybrid encoder's decision core takes to plan one update on a 1080p (and 4K) screen, for the
 * cases of issue 11: a small area changing on a still screen, a terminal scrolling a line per frame, the
 * whole screen changing (tiles, then video). Planning only: no capture, no encoding. Prints a table.
 *
 * Run: `./scripts/deno run --allow-sys bench/hybrid_plan.ts [--4k]`
 *
 * @module
 */
import type { Rect } from "../protocol/screen_update.ts";
// The synthetic frames of the unit tests (one helper, used by both).
import { cloneFrame, fill, solidFrame, textLine } from "../streamer/hybrid/_testing.ts";
import type { Frame } from "../streamer/hybrid/frame.ts";
import { HybridPlanner, type HybridPlannerOptions } from "../streamer/hybrid/mod.ts";

/** One case's planning times in ms. */
export interface CaseTimes {
  name: string;
  /** Median over all rounds. */
  p50: number;
  /** The lowest median of one round: the number least disturbed by other work on a shared box. */
  bestP50: number;
  p95: number;
  max: number;
  ops: number;
  video: boolean;
}

const ROUNDS = 5, UPDATES = 200;

/** A terminal-like screen: text lines 16 px apart, line `first` at the top. */
function terminal(width: number, height: number, first: number, lines: number): Frame {
  const doc = solidFrame(width, (lines + Math.ceil(height / 16)) * 16, 0x000000);
  for (let line = 0; line < lines + Math.ceil(height / 16); line++) {
    textLine(doc, 0, line * 16, width / 8, first + line);
  }
  return doc;
}

/** The window of a tall document frame starting at row `top`, without copying. */
function view(doc: Frame, top: number, height: number): Frame {
  return { data: doc.data.subarray(top * doc.stride), width: doc.width, height, stride: doc.stride };
}

function measure(
  name: string,
  frames: Frame[],
  damage: Rect[],
  options: HybridPlannerOptions = {},
): CaseTimes {
  const all: number[] = [];
  const medians: number[] = [];
  let ops = 0, video = false;
  for (let round = 0; round < ROUNDS; round++) {
    const planner = new HybridPlanner(options);
    planner.keyframe(frames[0]);
    const times: number[] = [];
    for (let n = 1; n <= UPDATES; n++) {
      // Forth and back through the frames, so consecutive frames are always neighbours.
      const period = 2 * (frames.length - 1);
      const k = n % period, frame = frames[k < frames.length ? k : period - k];
      const t0 = performance.now();
      const plan = planner.plan(frame, damage, n * 16.7);
      times.push(performance.now() - t0);
      ops = plan.ops.length;
      video = plan.video;
    }
    // The first 10 updates warm the JIT up and, with motion, precede video mode.
    const steady = times.slice(10).sort((a, b) => a - b);
    medians.push(steady[steady.length >> 1]);
    all.push(...steady);
  }
  all.sort((a, b) => a - b);
  const at = (q: number) => all[Math.min(all.length - 1, Math.floor(q * all.length))];
  return {
    name,
    p50: at(0.5),
    bestP50: Math.min(...medians),
    p95: at(0.95),
    max: all[all.length - 1],
    ops,
    video,
  };
}

function cases(width: number, height: number): CaseTimes[] {
  const full: Rect = { x: 0, y: 0, w: width, h: height };
  const still = solidFrame(width, height, 0x202020);
  for (let y = 0; y < height; y += 16) textLine(still, 0, y, width / 8 - 10, y);
  const small = { x: 400, y: 300, w: 640, h: 120 };
  const changed = [0, 1].map((k) => {
    const f = cloneFrame(still);
    fill(f, small, 0x334455);
    for (let y = small.y; y < small.y + small.h - 16; y += 16) {
      textLine(f, small.x, y, small.w / 8, k * 1000 + y);
    }
    return f;
  });
  const doc = terminal(width, height, 0, 40);
  const scrolled = Array.from({ length: 41 }, (_, k) => view(doc, k * 16, height));
  const screens = [0, 1, 2].map((k) => {
    const f = solidFrame(width, height, 0x000000);
    for (let y = 0; y < height; y += 16) textLine(f, 0, y, width / 8, k * 7919 + y);
    return f;
  });
  const noVideo = { enterShare: 2 };
  const label = `${width}x${height}`;
  return [
    measure(`${label} 640x120 change, still screen`, changed, [small]),
    measure(`${label} 640x120 change, full-screen damage`, changed, [full]),
    measure(`${label} terminal scroll, a line per update`, scrolled, [full]),
    measure(`${label} full-screen change, tiles (video off)`, screens, [full], noVideo),
    measure(`${label} full-screen change, video mode`, screens, [full]),
    measure(`${label} no change, full-screen damage`, [still, still], [full]),
  ];
}

if (import.meta.main) {
  const sizes: [number, number][] = [[1920, 1080]];
  if (Deno.args.includes("--4k")) sizes.push([3840, 2160]);
  console.log(`load average ${Deno.loadavg().join(" ")}, ${navigator.hardwareConcurrency} CPUs`);
  console.log("| case | p50 ms | best round p50 ms | p95 ms | max ms | ops (last) | video |");
  console.log("|---|---|---|---|---|---|---|");
  for (const [w, h] of sizes) {
    for (const c of cases(w, h)) {
      const f = (v: number) => v.toFixed(2);
      console.log(
        `| ${c.name} | ${f(c.p50)} | ${f(c.bestP50)} | ${f(c.p95)} | ${f(c.max)} | ${c.ops} | ${c.video} |`,
      );
    }
  }
}
