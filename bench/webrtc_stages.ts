/**
 * `deno run -A bench/webrtc_stages.ts`: where each millisecond of our WebRTC glass-to-glass latency goes.
 * Plays the benchmark content on `selkies-hpc stream --transport webrtc`, watches it in headless Chromium with
 * the benchmark's probe (glass-to-glass, CPU), and adds:
 *
 * - server: per-element GStreamer latency (`stage_trace.ts`): convert, queue, encode, payload, webrtcbin;
 * - browser: WebRTC receiver stats over the window (assembly, jitter buffer, decode, the jitter buffer's
 *   target), and per frame the time from its last packet's arrival to its presentation for compositing
 *   (`requestVideoFrameCallback` metadata `receiveTime` -> `presentationTime`);
 * - the page's wait for its next animation frame (the calibration page, as in `deno task bench`).
 *
 * What is left (content drawn -> screen grabbed, the grab itself, loopback transport) is reported as the
 * remainder. Flags: `--contents text,motion`, `--duration S` (10), `--warmup S` (3), `--geometry WxH`
 * (1920x1080), `--fps N` (60), `--label TEXT`, `--out FILE` (JSON). To compare two trees in one sitting, copy
 * this file and `stage_trace.ts` into the other tree's `bench/` and alternate runs.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { launchBrowser } from "../tests/fixtures/browser.ts";
import { startStream } from "../tests/fixtures/stream.ts";
import { serveCalibration } from "./calibration.ts";
import { CONTENT_MODES, type ContentMode } from "./content/stamp.ts";
import { type Measurement, measurePage } from "./measure.ts";
import { DENO_PATH, STAMP_PATH } from "./peer.ts";
import { probeScript } from "./probe.ts";
import { browserSelector, serverSelector } from "./session_procs.ts";
import { type StageTimes, StageTrace, stageTraceEnv } from "./stage_trace.ts";

/** What the page collects besides the probe (receiver stats deltas and per-frame timing). */
export interface ReceiverStages {
  /** Frames decoded in the window. */
  framesDecoded: number;
  /** Frames dropped in the window. */
  framesDropped: number;
  /** Mean first-to-last packet time of a frame, ms (`totalAssemblyTime`; frames of several packets). */
  assemblyMs: number;
  /** Mean time in the jitter buffer, ms (`jitterBufferDelay / jitterBufferEmittedCount`). */
  jitterBufferMs: number;
  /** Mean target delay of the jitter buffer, ms (`jitterBufferTargetDelay`). */
  jitterTargetMs: number;
  /** Mean decode time, ms. */
  decodeMs: number;
  /** Mean first packet to decoded, ms (`totalProcessingDelay / framesDecoded`). */
  processingMs: number;
  /** Median last packet received -> frame presented for compositing, ms (`requestVideoFrameCallback`). */
  receiveToPresentMs: number | null;
  /** Frames seen by `requestVideoFrameCallback`. */
  presented: number;
  /** Packets lost, NACKs and PLIs sent in the window. */
  packetsLost: number;
  /** NACKs the receiver sent. */
  nacks: number;
  /** PLIs the receiver sent. */
  plis: number;
  /** Round-trip time of the selected candidate pair, ms. */
  rttMs: number | null;
  /** Whether the receiver reported `jitterBufferTarget` 0 (null: not available). */
  jitterBufferTarget: number | null;
}

/** One measured case. */
export interface StageCase {
  /** The content played. */
  content: ContentMode;
  /** The probe's numbers. */
  measurement: Measurement;
  /** Server stages. */
  server: StageTimes;
  /** Browser stages. */
  receiver: ReceiverStages;
  /** Glass-to-glass p50 split into its parts, ms (`remainder` is what nothing above measures). */
  split: Record<string, number>;
}

// Runs inside the page after the probe: wraps RTCPeerConnection too, and resets with the probe.
// deno-lint-ignore no-explicit-any
function installStages(w: any): void {
  const peers: RTCPeerConnection[] = [];
  const Native = w.RTCPeerConnection;
  const wrapper = function (...args: unknown[]) {
    const pc = new Native(...args);
    peers.push(pc);
    return pc;
  };
  Object.setPrototypeOf(wrapper, Native);
  wrapper.prototype = Native.prototype;
  w.RTCPeerConnection = wrapper;
  let presented: number[] = [];
  let watched: HTMLVideoElement | null = null;
  const watch = () => {
    const video = [...w.document.querySelectorAll("video")].find((v: HTMLVideoElement) => v.videoWidth > 0);
    if (video && video !== watched) {
      watched = video;
      const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
        if (meta.receiveTime !== undefined) presented.push(meta.presentationTime - meta.receiveTime);
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    }
    w.setTimeout(watch, 500);
  };
  watch();
  const totals = async () => {
    // deno-lint-ignore no-explicit-any
    const t: Record<string, any> = {};
    for (const pc of peers) {
      // deno-lint-ignore no-explicit-any
      (await pc.getStats()).forEach((s: any) => {
        if (s.type === "inbound-rtp" && s.kind === "video") Object.assign(t, s);
        if (s.type === "candidate-pair" && s.nominated && s.currentRoundTripTime !== undefined) {
          t.rtt = s.currentRoundTripTime;
        }
      });
      const video = pc.getReceivers().find((r) => r.track.kind === "video");
      // deno-lint-ignore no-explicit-any
      if (video) t.target = (video as any).jitterBufferTarget ?? null;
    }
    return t;
  };
  // deno-lint-ignore no-explicit-any
  let base: Record<string, any> = {};
  const probe = w.__bench;
  const reset = probe.reset;
  probe.reset = async () => {
    await reset();
    presented = [];
    base = await totals();
  };
  w.__stages = async () => {
    const t = await totals();
    const d = (k: string) => (t[k] ?? 0) - (base[k] ?? 0);
    const per = (k: string, n: string) => d(n) > 0 ? (d(k) * 1000) / d(n) : 0;
    const sorted = [...presented].sort((a, b) => a - b);
    return {
      framesDecoded: d("framesDecoded"),
      framesDropped: d("framesDropped"),
      assemblyMs: per("totalAssemblyTime", "framesAssembledFromMultiplePackets"),
      jitterBufferMs: per("jitterBufferDelay", "jitterBufferEmittedCount"),
      jitterTargetMs: per("jitterBufferTargetDelay", "jitterBufferEmittedCount"),
      decodeMs: per("totalDecodeTime", "framesDecoded"),
      processingMs: per("totalProcessingDelay", "framesDecoded"),
      receiveToPresentMs: sorted.length ? sorted[Math.floor(sorted.length / 2)] : null,
      presented: sorted.length,
      packetsLost: d("packetsLost"),
      nacks: d("nackCount"),
      plis: d("pliCount"),
      rttMs: typeof t.rtt === "number" ? t.rtt * 1000 : null,
      jitterBufferTarget: t.target ?? null,
    };
  };
}

/** Options of {@linkcode measureStages}. */
export interface StagesOptions {
  /** Contents to play. */
  contents: ContentMode[];
  /** Screen size. */
  geometry: string;
  /** Frames per second asked of the streamer. */
  fps: number;
  /** Measured seconds per case. */
  durationS: number;
  /** Warm-up seconds per case. */
  warmupS: number;
  /** Progress lines. */
  progress?: (line: string) => void;
}

/**
 * Measures the calibration floor and every content over WebRTC, splitting glass-to-glass latency by stage.
 *
 * @example
 * ```ts
 * import { measureStages, type StagesOptions } from "./webrtc_stages.ts";
 * const options: StagesOptions = { contents: ["text"], geometry: "1920x1080", fps: 60, durationS: 10, warmupS: 3 };
 * // About 30 s per content: a session, a browser, the calibration page.
 * export const measure = () => measureStages(options);
 * ```
 */
export async function measureStages(
  options: StagesOptions,
): Promise<{ floorMs: number; cases: StageCase[] }> {
  const [width, height] = options.geometry.split("x").map(Number);
  const progress = options.progress ?? (() => {});
  const window = { warmupMs: options.warmupS * 1000, durationMs: options.durationS * 1000 };
  const floor = await withPage(width, height, async (page, client) => {
    const cal = serveCalibration(width, height);
    try {
      await page.goto(cal.url);
      return await measurePage({ page, server: null, client, ...window, durationMs: 5000 });
    } finally {
      await cal.stop();
    }
  });
  const floorMs = floor.latency.p50 ?? 0;
  progress(`calibration: p50 ${floorMs} ms at ${floor.displayFps} fps`);
  const cases: StageCase[] = [];
  for (const content of options.contents) {
    const workDir = await Deno.makeTempDir({ prefix: "bench-case-" });
    try {
      const traceDir = `${workDir}/gst-trace`;
      await Deno.mkdir(traceDir);
      const session = await startStream({
        geometry: options.geometry,
        fps: options.fps,
        desktop: `${DENO_PATH} run -A --quiet ${STAMP_PATH} ${content}`,
        args: ["--transport", "webrtc"],
        env: stageTraceEnv(traceDir),
        dir: workDir,
      });
      try {
        const url = new URL(session.url);
        url.searchParams.set("transport", "webrtc");
        const trace = new StageTrace(traceDir);
        const result = await withPage(width, height, async (page, client) => {
          await page.goto(url.href);
          const server = serverSelector(() => [session.pid]);
          const measurement = await measurePage({ page, server, pipeline: trace, client, ...window });
          const receiver: ReceiverStages = await page.evaluate(() =>
            (globalThis as unknown as { __stages: () => Promise<ReceiverStages> }).__stages()
          );
          return { measurement, receiver };
        });
        const server = await trace.times();
        const one = {
          content,
          ...result,
          server,
          split: split(floorMs, result.measurement, server, result.receiver),
        };
        cases.push(one);
        progress(`${content}: ${describe(one)}`);
      } finally {
        await session.stop();
      }
    } finally {
      await Deno.remove(workDir, { recursive: true }).catch(() => {});
    }
  }
  return { floorMs, cases };
}

function split(
  floorMs: number,
  m: Measurement,
  server: StageTimes,
  r: ReceiverStages,
): Record<string, number> {
  const g2g = m.latency.p50 ?? 0;
  const pipeline = server.pipeline.p50 ?? 0;
  const browser = r.receiveToPresentMs ?? (r.processingMs + r.assemblyMs);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    g2g,
    ...server.stages,
    serverPipeline: pipeline,
    assembly: round(r.assemblyMs),
    jitterBuffer: round(r.jitterBufferMs),
    decode: round(r.decodeMs),
    receiveToPresent: round(browser),
    animationFrameWait: floorMs,
    remainder: round(g2g - pipeline - browser - floorMs),
  };
}

function describe(c: StageCase): string {
  const s = c.split;
  return `${c.measurement.fps} fps, g2g p50 ${s.g2g} ms = server ${s.serverPipeline} (convert ${s.convert}, ` +
    `queue ${s.queue}, encode ${s.encode}, payload ${s.payload}, webrtcbin ${s.webrtcbin}) + browser ` +
    `${s.receiveToPresent} (assembly ${s.assembly}, jitter buffer ${s.jitterBuffer}, decode ${s.decode}) + ` +
    `page ${s.animationFrameWait} + remainder ${s.remainder}; server CPU ${c.measurement.serverCpu}%, client ` +
    `${c.measurement.clientCpu}%, other ${c.measurement.otherCpu}%`;
}

async function withPage<T>(
  width: number,
  height: number,
  use: (page: import("playwright-core").Page, client: ReturnType<typeof browserSelector>) => Promise<T>,
): Promise<T> {
  const browser = await launchBrowser({ viewport: { width, height } });
  try {
    await browser.context.addInitScript({ content: probeScript() });
    await browser.context.addInitScript({ content: `(${installStages.toString()})(window);` });
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    return await use(page, browserSelector(browser.profile));
  } finally {
    await browser.close();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      contents: { type: "string", default: "text,motion" },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "3" },
      geometry: { type: "string", default: "1920x1080" },
      fps: { type: "string", default: "60" },
      label: { type: "string", default: "" },
      out: { type: "string" },
    },
  });
  const contents = values.contents.split(",").map((c) => c.trim()) as ContentMode[];
  for (const c of contents) {
    if (!(CONTENT_MODES as readonly string[]).includes(c)) throw new Error(`unknown content ${c}`);
  }
  const load = (await Deno.readTextFile("/proc/loadavg")).split(" ")[0];
  const log = (line: string) => console.error(`[${values.label}] ${line}`);
  log(`load average ${load}`);
  const result = await measureStages({
    contents,
    geometry: values.geometry,
    fps: Number(values.fps),
    durationS: Number(values.duration),
    warmupS: Number(values.warmup),
    progress: log,
  });
  const report = { label: values.label, at: new Date().toISOString(), loadAtStart: Number(load), ...result };
  if (values.out) await Deno.writeTextFile(values.out, JSON.stringify(report, null, 1));
}
