/**
 * Numbers of bench/gpu.ts: case names parsed, one-second buckets summarized, targets checked, the rows
 * of its tables (printed with ./table.ts). Pure functions.
 *
 * @module
 */
import type { ScreenOp } from "../protocol/screen_update.ts";
import type { Bucket } from "./_gpu_viewer.ts";

const SIZES: Record<string, [number, number]> = {
  "720p": [1280, 720],
  "1080p": [1920, 1080],
  "1440p": [2560, 1440],
  "4k": [3840, 2160],
};

/** A case name parsed. */
export interface BenchCase {
  /** The name as given, e.g. `gl-1080p60`. */
  name: string;
  /**
   * `gl` (glspin renders every frame through EGL), `glx` (VirtualGL's glxspheres64, a GLX program, full screen
   * under `vglrun -d egl<N>`), or `idle` (a static black screen).
   */
  content: "gl" | "glx" | "idle";
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Frames per second. */
  fps: number;
  /** The session's `--encoding`: full-frame H.264, or screen updates (docs/hybrid.md). */
  encoding: "video" | "hybrid";
}

/**
 * Parses `gl-1080p60` / `idle-4k30` into a case; a `-hybrid` suffix (`gl-1080p60-hybrid`) runs the same
 * session with `--encoding hybrid`.
 *
 * @example
 * ```ts
 * import { parseCase } from "./_gpu_report.ts";
 * parseCase("gl-4k30"); // { name: "gl-4k30", content: "gl", width: 3840, height: 2160, fps: 30, encoding: "video" }
 * parseCase("gl-4k30-hybrid").encoding; // "hybrid"
 * ```
 */
export function parseCase(name: string): BenchCase {
  const m = name.match(/^(glx|gl|idle)-(720p|1080p|1440p|4k)(\d+)(-hybrid)?$/);
  if (!m || Number(m[3]) < 1 || Number(m[3]) > 120) {
    throw new TypeError(
      `case ${JSON.stringify(name)} is not <gl|glx|idle>-<720p|1080p|1440p|4k><fps 1-120>[-hybrid]`,
    );
  }
  const [width, height] = SIZES[m[2]];
  const encoding = m[4] ? "hybrid" : "video";
  return { name, content: m[1] as BenchCase["content"], width, height, fps: Number(m[3]), encoding };
}

/** What a hybrid stream's screen updates carried (protocol/screen_update.ts), counted by the viewer. */
export interface Carried {
  /** Updates holding an H.264 frame (the planner had switched to video). */
  videoUpdates: number;
  /** Updates of copies, fills and image tiles only. */
  tileUpdates: number;
  /** Bytes of H.264 in `video` operations. */
  videoBytes: number;
  /** Bytes of WebP and JPEG in `image` operations. */
  imageBytes: number;
  /** Lossless (WebP) image tiles. */
  lossless: number;
  /** Lossy (JPEG) image tiles. */
  lossy: number;
  /** `fill` operations. */
  fills: number;
  /** `copy` operations (scrolls). */
  copies: number;
  /** Updates the viewer could not decode. */
  malformed: number;
  /** Video operations by their size (`WxH`): full screen, or the region video of a moving area. */
  videoSizes: Record<string, number>;
}

/**
 * Nothing carried yet.
 *
 * @example
 * ```ts
 * import { noneCarried } from "./_gpu_report.ts";
 * noneCarried().videoUpdates; // 0
 * ```
 */
export function noneCarried(): Carried {
  return {
    videoUpdates: 0,
    tileUpdates: 0,
    videoBytes: 0,
    imageBytes: 0,
    lossless: 0,
    lossy: 0,
    fills: 0,
    copies: 0,
    malformed: 0,
    videoSizes: {},
  };
}

/**
 * Adds one decoded update's operations to `carried` (in place); `null` counts a malformed update.
 *
 * @example
 * ```ts
 * import { noneCarried, tally } from "./_gpu_report.ts";
 * const carried = noneCarried();
 * tally(carried, [{ op: "video", key: true, x: 0, y: 0, w: 64, h: 64, data: new Uint8Array(10) }]);
 * carried.videoUpdates; // 1
 * ```
 */
export function tally(carried: Carried, ops: readonly ScreenOp[] | null): Carried {
  if (ops === null) {
    carried.malformed++;
    return carried;
  }
  let video = false;
  for (const op of ops) {
    if (op.op === "video") {
      video = true;
      carried.videoBytes += op.data.byteLength;
      const size = `${op.w}x${op.h}`;
      carried.videoSizes[size] = (carried.videoSizes[size] ?? 0) + 1;
    } else if (op.op === "image") {
      carried.imageBytes += op.data.byteLength;
      if (op.lossless) carried.lossless++;
      else carried.lossy++;
    } else if (op.op === "fill") carried.fills++;
    else if (op.op === "copy") carried.copies++;
  }
  if (video) carried.videoUpdates++;
  else carried.tileUpdates++;
  return carried;
}

/**
 * One line of what a hybrid stream carried, e.g. `587 video + 3 tile upd.; 99% of bytes video`, and the most
 * frequent size of its video (full screen, or a region).
 *
 * @example
 * ```ts
 * import { carriedText, noneCarried } from "./_gpu_report.ts";
 * carriedText({ ...noneCarried(), tileUpdates: 2, lossless: 5, imageBytes: 900 });
 * // "0 video + 2 tile upd. (5 WebP, 0 JPEG, 0 fill, 0 copy); 0% of bytes video"
 * ```
 */
export function carriedText(c: Carried): string {
  const bytes = c.videoBytes + c.imageBytes;
  const share = bytes ? Math.round(c.videoBytes / bytes * 100) : 0;
  return `${c.videoUpdates} video + ${c.tileUpdates} tile upd. (${c.lossless} WebP, ${c.lossy} JPEG, ` +
    `${c.fills} fill, ${c.copies} copy); ${share}% of bytes video` +
    (c.malformed ? `; ${c.malformed} malformed` : "") + videoSizeText(c.videoSizes);
}

/** `; video 1280x704 (290 of 304)`: the most frequent video size, or nothing without video. */
function videoSizeText(sizes: Record<string, number> | undefined): string {
  const entries = Object.entries(sizes ?? {}).sort((a, b) => b[1] - a[1]);
  if (!entries.length) return "";
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return `; video ${entries[0][0]} (${entries[0][1]} of ${total})`;
}

/** What one measured session gave. */
export interface CaseResult extends BenchCase {
  /** Encoder element the session chose, and its codec string. */
  encoder: string;
  /** WebCodecs codec string. */
  codec: string;
  /** Milliseconds from starting `selkies-hpc stream` to its ready file. */
  readyMs: number;
  /** Milliseconds from opening the WebSocket to the first video frame. */
  firstFrameMs: number;
  /** Mean delivered video frames per second, and the worst second. */
  deliveredFps: number;
  /** The worst one-second bucket. */
  minFps: number;
  /** Mean delivered video bitrate in kbit/s. */
  kbps: number;
  /** Server CPU (streamer, media worker, Xvfb) in % of one core. */
  serverCpu: number;
  /** The GL program's CPU in % of one core (0 for idle); under VirtualGL its readback and X puts included. */
  appCpu: number;
  /** The GL program's CPU by `<process>/<thread>` (VirtualGL's readback runs in the app's render thread). */
  appBreakdown?: Record<string, number>;
  /** Server CPU by `<process>/<thread>` in % of one core, largest first (under 1% left out). */
  cpuBreakdown: Record<string, number>;
  /** Frames per second the GL program rendered and put on the screen (null for idle). */
  glFps: number | null;
  /** GL_RENDERER of the GL program, e.g. `NVIDIA H100 80GB HBM3/PCIe/SSE2`. */
  glRenderer: string | null;
  /**
   * Mean milliseconds per frame the GL program spent rendering, reading back, and putting the image (under
   * VirtualGL: render unknown (NaN), readback includes waiting for the GPU to finish, put is its XShmPutImage).
   */
  glMs: { render: number; readback: number; put: number } | null;
  /** Whether nvidia-smi listed the GL program as a GPU process (null without nvidia-smi). */
  glOnGpu: boolean | null;
  /** What the hybrid stream's updates carried in the measured seconds (null for `--encoding video`). */
  carried: Carried | null;
}

/**
 * Mean and worst fps and mean kbit/s of one-second buckets.
 *
 * @example
 * ```ts
 * import { summarize } from "./_gpu_report.ts";
 * summarize([{ frames: 60, bytes: 125_000, keyframes: 0 }]); // { fps: 60, minFps: 60, kbps: 1000 }
 * ```
 */
export function summarize(buckets: readonly Bucket[]): { fps: number; minFps: number; kbps: number } {
  if (buckets.length === 0) return { fps: 0, minFps: 0, kbps: 0 };
  const frames = buckets.reduce((s, b) => s + b.frames, 0);
  const bytes = buckets.reduce((s, b) => s + b.bytes, 0);
  return {
    fps: frames / buckets.length,
    minFps: Math.min(...buckets.map((b) => b.frames)),
    kbps: bytes * 8 / 1000 / buckets.length,
  };
}

/**
 * Per-thread CPU between two samples in % of one core (via `pct`), largest first, under 1% left out.
 *
 * @example
 * ```ts
 * import { breakdown } from "./_gpu_report.ts";
 * breakdown(new Map([["a", 0]]), new Map([["a", 50], ["b", 0]]), (t) => t); // { a: 50 }
 * ```
 */
export function breakdown(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  pct: (ticks: number) => number,
): Record<string, number> {
  const entries = [...after].map(([k, v]) => [k, pct(v - (before.get(k) ?? 0))] as const)
    .filter(([, v]) => v >= 1).sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(entries.map(([k, v]) => [k, Math.round(v * 10) / 10]));
}

/**
 * Whether a case meets its targets: >= 95% of the asked fps delivered, and for 1080p60 (the
 * project's budget) at most 100% of one core on the server.
 *
 * @example
 * ```ts
 * import { type CaseResult, verdict } from "./_gpu_report.ts";
 * declare const result: CaseResult;
 * verdict(result); // "pass" | "FAIL: 41.2 of 60 fps"
 * ```
 */
export function verdict(
  r: Pick<CaseResult, "fps" | "width" | "height" | "deliveredFps" | "serverCpu" | "content">,
): string {
  const problems: string[] = [];
  // An idle screen sends frames only when it changes (damage-gated capture): no fps to expect there.
  if (r.content !== "idle" && r.deliveredFps < 0.95 * r.fps) {
    problems.push(`${r.deliveredFps.toFixed(1)} of ${r.fps} fps`);
  }
  if (r.width === 1920 && r.height === 1080 && r.fps === 60 && r.serverCpu > 100) {
    problems.push(`server CPU ${r.serverCpu.toFixed(0)}% > 100%`);
  }
  return problems.length ? `FAIL: ${problems.join(", ")}` : "pass";
}

const COLUMNS: [string, (r: CaseResult) => string][] = [
  ["case", (r) => r.name],
  ["encoder", (r) => r.encoder],
  ["fps (min)", (r) => `${r.deliveredFps.toFixed(1)} (${r.minFps})`],
  ["kbit/s", (r) => r.kbps.toFixed(0)],
  ["server CPU", (r) => `${r.serverCpu.toFixed(0)}%`],
  ["GL fps", (r) => r.glFps === null ? "-" : r.glFps.toFixed(1)],
  ["GL CPU", (r) => r.content === "idle" ? "-" : `${r.appCpu.toFixed(0)}%`],
  ["GL ms r/rb/put", (r) => r.glMs ? [r.glMs.render, r.glMs.readback, r.glMs.put].map(ms).join("/") : "-"],
  ["ready", (r) => `${(r.readyMs / 1000).toFixed(1)} s`],
  ["1st frame", (r) => `${r.firstFrameMs.toFixed(0)} ms`],
  ["verdict", (r) => verdict(r)],
  ["carried (hybrid)", (r) => r.carried ? carriedText(r.carried) : "-"],
];

function ms(n: number): string {
  return Number.isFinite(n) ? n.toFixed(1) : "-";
}

/**
 * The results as rows of cells, header first.
 *
 * @example
 * ```ts
 * import { rows } from "./_gpu_report.ts";
 * rows([])[0][0]; // "case"
 * ```
 */
export function rows(results: readonly CaseResult[]): string[][] {
  return [COLUMNS.map(([h]) => h), ...results.map((r) => COLUMNS.map(([, cell]) => cell(r)))];
}
