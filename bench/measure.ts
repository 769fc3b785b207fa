/**
 * Measures one case: a page showing content, for a window of time, with key presses sent in.
 *
 * @module
 */
import type { Page } from "playwright-core";
import { delay, waitFor } from "../tests/fixtures/async.ts";
import { type ProcessSelector, startCpuMeter, startSystemMeter } from "./cpu_meter.ts";
import type { StageTimer } from "./peer.ts";
import type { ProbeApi, ProbeResult } from "./probe.ts";
import { type LatencyOverTime, latencyOverTime } from "./over_time.ts";
import { contentSelector } from "./session_procs.ts";
import { summarize, type Summary } from "./stats.ts";

/** The numbers of one measured case. */
export interface Measurement {
  /** Seconds from page load to the first readable frame. */
  firstFrameS: number;
  /** Seconds measured. */
  durationS: number;
  /** Content frames delivered per second (distinct time codes seen). */
  fps: number;
  /** Animation frames per second of the page (the display's rate). */
  displayFps: number;
  /** Share of animation frames where no time code could be read, %. */
  unreadablePct: number;
  /** Glass-to-glass latency, ms. */
  latency: Summary;
  /**
   * Glass-to-glass p50 of the first and the last 10 s (null when measured < 20 s; absent in reports written
   * before it existed).
   */
  latencyOverTime?: LatencyOverTime | null;
  /** Key press to photon, ms. */
  input: Summary;
  /** Payload received, Mbit/s. */
  mbps: number;
  /** CPU of the session's server processes, % of one core (null when not measured). */
  serverCpu: number | null;
  /** CPU of the content program (time code, texture, xterm), % of one core. */
  contentCpu: number;
  /** CPU of the whole browser, % of one core. */
  clientCpu: number;
  /** CPU of everything else on the machine during the window (other users, other tests), % of one core. */
  otherCpu: number;
  /** Server pipeline per frame (source pad to sink: convert, encode, payload), ms; null where not traced. */
  pipeline: Summary | null;
  /** The client's own stats object (`window.selkiesStats`) at the end, when it has one. */
  clientStats: Record<string, unknown> | null;
  /** WebRTC's receiver stats (decode, jitter buffer) when the page used WebRTC. */
  webrtc: ProbeResult["webrtc"];
  /** Raw latency samples (ms), for the plots; `latencyAtMs`: when each was seen, ms into the window. */
  samples: { latency: number[]; input: number[]; latencyAtMs?: number[] };
}

/** Options for {@linkcode measurePage}. */
export interface MeasureOptions {
  /** The page, already navigating to what is measured; the probe is installed. */
  page: Page;
  /** The session's server processes, or null (calibration). */
  server: ProcessSelector | null;
  /** The server's pipeline timing, where the stack reports it. */
  pipeline?: StageTimer;
  /** The browser's processes. */
  client: ProcessSelector;
  /** Settling time after the first frame, ms. */
  warmupMs: number;
  /** Measured window, ms. */
  durationMs: number;
  /** Milliseconds between key presses. @default {700} */
  keyEveryMs?: number;
  /** How long to wait for the first frame, ms. @default {30000} */
  firstFrameTimeoutMs?: number;
  /** Aborts the measurement. */
  signal?: AbortSignal;
}

/**
 * Waits for the first frame, warms up, then measures latency, fps, bandwidth and CPU.
 *
 * @example
 * ```ts
 * import type { Page } from "playwright-core";
 * import { measurePage } from "./measure.ts";
 * import type { ProcessSelector } from "./cpu_meter.ts";
 * declare const page: Page, client: ProcessSelector; // the session's page, the browser's processes
 * const m = await measurePage({ page, server: null, client, warmupMs: 1000, durationMs: 5000 });
 * console.log(m.latency.p50);
 * ```
 */
export async function measurePage(options: MeasureOptions): Promise<Measurement> {
  const { page, signal } = options;
  const t0 = performance.now();
  await waitFor(
    "the first frame with a readable time code",
    () => page.evaluate(() => (globalThis as unknown as { __bench?: ProbeApi }).__bench?.totalFrames()),
    { timeoutMs: options.firstFrameTimeoutMs ?? 30_000, intervalMs: 100, signal },
  );
  const firstFrameS = (performance.now() - t0) / 1000;
  // Focus the remote screen so key presses reach the desktop (noVNC listens on its canvas).
  const { width, height } = page.viewportSize() ?? { width: 800, height: 600 };
  await page.mouse.click(Math.round(width * 0.6), Math.round(height * 0.6));
  await delay(options.warmupMs, { signal });

  await page.evaluate(() => (globalThis as unknown as { __bench: ProbeApi }).__bench.reset());
  await options.pipeline?.mark();
  const server = options.server ? await startCpuMeter(options.server) : null;
  const content = await startCpuMeter(contentSelector());
  const client = await startCpuMeter(options.client);
  const system = await startSystemMeter();
  const end = performance.now() + options.durationMs;
  const every = options.keyEveryMs ?? 700;
  while (performance.now() + every < end) {
    await delay(every, { signal });
    await page.keyboard.press("x");
  }
  await delay(Math.max(0, end - performance.now()), { signal });
  const systemCpu = await system.stop();
  const [serverCpu, contentCpu, clientCpu] = [
    await server?.stop() ?? null,
    await content.stop(),
    await client.stop(),
  ];
  const otherCpu = Math.max(0, Math.round((systemCpu - (serverCpu ?? 0) - contentCpu - clientCpu) * 10) / 10);
  const pipeline = options.pipeline ? summarize(await options.pipeline.read()) : null;
  const r: ProbeResult = await page.evaluate(() =>
    (globalThis as unknown as { __bench: ProbeApi }).__bench.result()
  );
  const clientStats = await page.evaluate(() => {
    const s = (globalThis as unknown as { selkiesStats?: Record<string, unknown> }).selkiesStats;
    return s ? JSON.parse(JSON.stringify(s)) : null;
  });
  const seconds = r.elapsedMs / 1000;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    firstFrameS: round(firstFrameS),
    durationS: round(seconds),
    fps: round(r.frames / seconds),
    displayFps: round(r.rafs / seconds),
    unreadablePct: round((100 * r.unreadable) / Math.max(1, r.rafs)),
    latency: summarize(r.latencies),
    latencyOverTime: latencyOverTime(r.latencies, r.latencyTimes, r.elapsedMs),
    input: summarize(r.inputLatencies),
    mbps: Math.round((r.bytes * 8) / seconds / 1e3) / 1000,
    serverCpu,
    contentCpu,
    clientCpu,
    otherCpu,
    pipeline,
    clientStats,
    webrtc: r.webrtc && {
      ...r.webrtc,
      decodeMs: round(r.webrtc.decodeMs),
      jitterBufferMs: round(r.webrtc.jitterBufferMs),
    },
    samples: {
      latency: r.latencies.slice(0, 20_000),
      input: r.inputLatencies,
      latencyAtMs: r.latencyTimes.slice(0, 20_000),
    },
  };
}
