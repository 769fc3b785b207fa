/**
 * Runs the benchmark: the calibration, then every (stack, content) case, one at a time.
 *
 * @module
 */
import type { Page } from "playwright-core";
import { launchBrowser } from "../tests/fixtures/browser.ts";
import { startStarver } from "./_starve.ts";
import { serveCalibration } from "./calibration.ts";
import type { ContentMode } from "./content/stamp.ts";
import type { ProcessSelector } from "./cpu_meter.ts";
import { type MachineInfo, machineInfo } from "./machine.ts";
import { type Measurement, measurePage } from "./measure.ts";
import { type PeerName, type PeerOptions, type PeerSession, SELKIES_PEERS } from "./peer.ts";
import { probeScript } from "./probe.ts";
import { waitForQuiet } from "./quiet.ts";
import { startSelkies } from "./selkies.ts";
import { browserSelector } from "./session_procs.ts";
import { startVnc } from "./vnc.ts";

/** One case's outcome: its numbers, or why it could not be measured. */
export interface CaseResult {
  /** The stack (and transport). */
  peer: PeerName;
  /** The content played. */
  content: ContentMode;
  /** Settings of the stack worth reporting. */
  settings: Record<string, string | number>;
  /** The numbers, when the case ran. */
  measurement: Measurement | null;
  /** Why the case failed, when it did. */
  error: string | null;
  /** Processes the stack left running after being asked to stop (the benchmark ended them). */
  leftBehind: number;
  /** Set when the viewer was starved (`--starved`); absent or null for the normal case. */
  starved?: StarvedViewer | null;
}

/** How a starved case's viewer was starved. */
export interface StarvedViewer {
  /** The CPU the browser's processes were pinned to (null: the case failed before they were). */
  cpu: number | null;
  /** Busy loops pinned to the same CPU. */
  loops: number;
  /** Browser processes pinned (0 would mean the case was not starved at all). */
  pinned: number;
}

/** The starved-viewer mode of a run (issue 10). */
export interface StarveMode {
  /** Busy loops sharing the viewer's CPU. */
  loops: number;
  /** Measured seconds of each starved case. */
  durationS: number;
}

/** A whole run. */
export interface BenchReport {
  /** Format version of this JSON. */
  version: 1;
  /** ISO time the run started. */
  startedAt: string;
  /** Seconds the whole run took. */
  wallS: number;
  /** Whether this was the short smoke run. */
  quick: boolean;
  /** Screen size of every case. */
  geometry: string;
  /** Where it ran. */
  machine: MachineInfo;
  /** 1-minute load average when the run started (other work on the machine skews the numbers). */
  loadAtStart: number;
  /** The method's floor: the page reading its own time code. */
  calibration: Measurement;
  /** The starved-viewer mode, when the run had one (each case then also ran starved). */
  starved?: StarveMode | null;
  /** Every case. */
  cases: CaseResult[];
}

/** Options for {@linkcode runBenchmark}. */
export interface RunOptions {
  /** Stacks to run. */
  peers: readonly PeerName[];
  /** Contents to play. */
  contents: readonly ContentMode[];
  /** Screen size. @default {"1920x1080"} */
  geometry?: string;
  /** Frames per second asked of our streamer. @default {60} */
  fps?: number;
  /** Measured seconds per case. */
  durationS: number;
  /** Seconds of warm-up after the first frame. */
  warmupS: number;
  /** Longest wait for the machine to quiet down before each case, seconds (0: never wait). @default {0} */
  quietWaitS?: number;
  /** Also run each case with the viewer starved (issue 10). @default {null} */
  starved?: StarveMode | null;
  /** Marks the report as the smoke run. @default {false} */
  quick?: boolean;
  /** Progress lines (to stderr in the CLI). */
  progress?: (line: string) => void;
  /** Stops the run. */
  signal?: AbortSignal;
}

/**
 * Runs the calibration and every case, and returns the report (failed cases carry an error).
 *
 * @example
 * ```ts
 * import { runBenchmark } from "./run.ts";
 * const report = await runBenchmark({ peers: ["novnc"], contents: ["idle"], durationS: 3, warmupS: 1 });
 * ```
 */
export async function runBenchmark(options: RunOptions): Promise<BenchReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const geometry = options.geometry ?? "1920x1080";
  const [width, height] = geometry.split("x").map(Number);
  const progress = options.progress ?? (() => {});
  const machine = await machineInfo();
  const loadAtStart = Number((await Deno.readTextFile("/proc/loadavg")).split(" ")[0]);
  if (loadAtStart > machine.nproc / 2) {
    progress(
      `warning: load average ${loadAtStart} on ${machine.nproc} CPUs; other work will skew the numbers`,
    );
  }
  const window = {
    warmupMs: options.warmupS * 1000,
    durationMs: options.durationS * 1000,
    signal: options.signal,
  };

  await waitForQuiet({
    maxWaitS: options.quietWaitS ?? 0,
    progress: (l) => progress(`calibration: ${l}`),
    signal: options.signal,
  });
  progress(`calibration: the page reads its own time code for ${options.durationS} s`);
  const calibration = await withBrowser({ width, height }, async (page, client) => {
    const cal = serveCalibration(width, height);
    try {
      await page.goto(cal.url);
      return await measurePage({ page, server: null, client, ...window });
    } finally {
      await cal.stop();
    }
  });
  progress(`calibration: ${oneLine(calibration)}`);

  const cases: CaseResult[] = [];
  const starveModes = options.starved ? [null, options.starved] : [null];
  const total = options.peers.length * options.contents.length * starveModes.length;
  for (const content of options.contents) {
    for (const peer of options.peers) {
      // The starved case right after the normal one: side by side, on the same machine state.
      for (const starve of starveModes) {
        options.signal?.throwIfAborted();
        const tag = `[${cases.length + 1}/${total}] ${peer} ${content}${starve ? " (starved)" : ""}`;
        await waitForQuiet({
          maxWaitS: options.quietWaitS ?? 0,
          progress: (l) => progress(`${tag}: ${l}`),
          signal: options.signal,
        });
        cases.push(await runCase(peer, content, starve, tag));
      }
    }
  }
  return {
    version: 1,
    startedAt,
    wallS: Math.round((performance.now() - started) / 100) / 10,
    quick: options.quick ?? false,
    geometry,
    machine,
    loadAtStart,
    calibration,
    starved: options.starved ?? null,
    cases,
  };

  async function runCase(
    peer: PeerName,
    content: ContentMode,
    starve: StarveMode | null,
    tag: string,
  ): Promise<CaseResult> {
    progress(`${tag}: starting`);
    const result: CaseResult = { peer, content, settings: {}, measurement: null, error: null, leftBehind: 0 };
    const durationS = starve?.durationS ?? options.durationS;
    // Named starved from the start, so that a starved case that fails is still told apart from the normal one.
    if (starve) result.starved = { cpu: null, loops: starve.loops, pinned: 0 };
    const workDir = await Deno.makeTempDir({ prefix: "bench-case-" });
    try {
      const session = await startPeer(peer, {
        geometry,
        content,
        workDir,
        fps: options.fps,
        signal: options.signal,
      });
      result.settings = session.settings;
      try {
        const starving = starve ? `, the viewer pinned to one CPU with ${starve.loops} busy loop(s)` : "";
        progress(`${tag}: measuring ${durationS} s after ${options.warmupS} s of warm-up${starving}`);
        const browserOptions = { width, height, starve, onStarved: (v: StarvedViewer) => result.starved = v };
        result.measurement = await withBrowser(browserOptions, async (page, client, pin) => {
          await page.goto(session.url);
          await pin();
          const { server, pipeline } = session;
          return await measurePage({
            page,
            server,
            pipeline,
            client,
            ...window,
            durationMs: durationS * 1000,
          });
        });
        progress(`${tag}: ${oneLine(result.measurement)}`);
      } finally {
        result.leftBehind = await session.stop();
        if (result.leftBehind > 0) {
          progress(`${tag}: the stack left ${result.leftBehind} process(es) running; ended them`);
        }
      }
    } catch (error) {
      if (options.signal?.aborted) throw error;
      result.error = error instanceof Error ? error.message : String(error);
      progress(`${tag}: FAILED: ${result.error.split("\n")[0]}`);
    } finally {
      await Deno.remove(workDir, { recursive: true }).catch(() => {});
    }
    return result;
  }
}

function startPeer(peer: PeerName, options: PeerOptions): Promise<PeerSession> {
  if (peer === "novnc") return startVnc(options);
  return startSelkies({ ...options, ...SELKIES_PEERS[peer] });
}

/** Options of {@linkcode withBrowser}. */
interface BrowserOptions {
  /** Viewport width. */
  width: number;
  /** Viewport height. */
  height: number;
  /** Starve the browser (pinned to one CPU with busy loops) while `use` runs. */
  starve?: StarveMode | null;
  /** Told how the browser was starved, once pinned. */
  onStarved?: (viewer: StarvedViewer) => void;
}

/**
 * Runs `use` with a fresh browser's page (the probe installed), the selector of its processes, and `pin` (pins
 * processes born since the launch, e.g. the page's renderer; a no-op unless starved).
 */
async function withBrowser<T>(
  options: BrowserOptions,
  use: (page: Page, client: ProcessSelector, pin: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const { width, height, starve } = options;
  const browser = await launchBrowser({ viewport: { width, height } });
  // A safety net only: the loops end on their own this long after starting, should no `finally` run.
  const maxS = starve ? starve.durationS + 600 : 0;
  const starver = starve ? startStarver({ loops: starve.loops, maxS }) : null;
  try {
    const client = browserSelector(browser.profile);
    const pin = async () => {
      if (!starver) return;
      const pinned = await starver.pin(client);
      options.onStarved?.({ cpu: starver.cpu, loops: starver.loops, pinned });
    };
    await pin();
    await browser.context.addInitScript({ content: probeScript() });
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    return await use(page, client, pin);
  } finally {
    await starver?.stop();
    await browser.close();
  }
}

function oneLine(m: Measurement): string {
  return `${m.fps} fps, glass-to-glass p50 ${m.latency.p50} ms p95 ${m.latency.p95} ms, input p50 ${m.input.p50} ms, ` +
    `${m.mbps} Mbit/s, server CPU ${m.serverCpu ?? "-"}%, client CPU ${m.clientCpu}%`;
}
