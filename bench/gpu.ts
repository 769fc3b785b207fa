/**
 * GPU-node benchmark: runs real `selkies-hpc stream` sessions (1080p60, 4K30, and a 720p30 and an
 * idle-desktop baseline in the same run) with glspin, an EGL program that renders on the GPU and puts
 * each frame on the X screen, and measures with a WebSocket viewer what the transport delivers: fps,
 * bitrate, first-frame time; plus the server's CPU (% of one core, from /proc) and the GL program's fps.
 * Prints a table and writes gpu.json and gpu.md to `--out` (or $OUT).
 *
 *   scripts/deno run -A bench/gpu.ts [--out DIR] [--seconds 10] [--warmup 3] [--cases gl-1080p60,...]
 *     [--cpus 0-3]   (sessions under `taskset -c`: x264 sizes its thread pool by the CPUs it may use)
 *
 * A case is `<gl|idle>-<720p|1080p|1440p|4k><fps>`. glspin must be on PATH (scripts/gpu/run.sh builds
 * the environment; on a desktop machine: `cc -O2 -o glspin scripts/gpu/glspin.c -lEGL -lGLESv2 -lX11
 * -lXext`). Chromium is not part of this run: frames are counted, not decoded.
 *
 * @module
 */
import { probeEncoders } from "../streamer/media/probe.ts";
import { breakdown, type CaseResult, markdownTable, summarize, textTable, verdict } from "./_gpu_report.ts";
import { startStream, threadTicks, treeTicks } from "./_gpu_session.ts";
import { connectViewer } from "./_gpu_viewer.ts";
import { CLOCK_TICKS } from "./procstat.ts";

const SIZES: Record<string, [number, number]> = {
  "720p": [1280, 720],
  "1080p": [1920, 1080],
  "1440p": [2560, 1440],
  "4k": [3840, 2160],
};
const DEFAULT_CASES = "idle-1080p60,gl-720p30,gl-1080p30,gl-1080p60,gl-4k30";

/** A case name parsed. */
export interface BenchCase {
  /** The name as given. */
  name: string;
  /** What is on the screen. */
  content: "gl" | "idle";
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Frames per second. */
  fps: number;
}

/**
 * Parses `gl-1080p60` / `idle-4k30` into a case.
 *
 * @example
 * ```ts
 * import { parseCase } from "./gpu.ts";
 * parseCase("gl-4k30"); // { name: "gl-4k30", content: "gl", width: 3840, height: 2160, fps: 30 }
 * ```
 */
export function parseCase(name: string): BenchCase {
  const m = name.match(/^(gl|idle)-(720p|1080p|1440p|4k)(\d+)$/);
  if (!m || Number(m[3]) < 1 || Number(m[3]) > 120) {
    throw new TypeError(`case ${JSON.stringify(name)} is not <gl|idle>-<720p|1080p|1440p|4k><fps 1-120>`);
  }
  const [width, height] = SIZES[m[2]];
  return { name, content: m[1] as "gl" | "idle", width, height, fps: Number(m[3]) };
}

async function command(cmd: string, args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Options for {@linkcode measureCase}. */
export interface MeasureOptions {
  /** The repository root (holds `selkies-hpc`). */
  root: string;
  /** Seconds measured. @default {10} */
  seconds?: number;
  /** Seconds waited after the viewer connected, before measuring. @default {3} */
  warmup?: number;
  /** Run the session on these CPUs only (a `taskset -c` list). */
  cpus?: string;
}

/**
 * Runs one session with a measuring viewer and returns what it delivered and cost.
 *
 * @example
 * ```ts ignore
 * import { measureCase, parseCase } from "./gpu.ts";
 * const r = await measureCase(parseCase("gl-1080p60"), { root: "." });
 * console.log(r.deliveredFps, r.serverCpu);
 * ```
 */
export async function measureCase(c: BenchCase, options: MeasureOptions): Promise<CaseResult> {
  const { root, seconds = 10, warmup = 3, cpus } = options;
  const desktop = c.content === "gl"
    ? `exec glspin --fps ${c.fps} --stats {dir}/glspin.jsonl`
    : "exec sleep 1d";
  const session = await startStream({ root, width: c.width, height: c.height, fps: c.fps, desktop, cpus });
  try {
    const viewer = await connectViewer({ url: session.url, token: session.token });
    try {
      await sleep(warmup * 1000);
      viewer.reset();
      const isApp = (program: string) => program === "glspin";
      const before = await treeTicks(session.pid, isApp);
      const threadsBefore = await threadTicks(session.pid, isApp);
      const t0 = performance.now();
      await sleep(seconds * 500);
      const smi = await command("nvidia-smi", []);
      await sleep(seconds * 500);
      const after = await treeTicks(session.pid, isApp);
      const threadsAfter = await threadTicks(session.pid, isApp);
      const elapsed = (performance.now() - t0) / 1000;
      const pct = (ticks: number) => ticks / CLOCK_TICKS / elapsed * 100;
      const { fps, minFps, kbps } = summarize(viewer.buckets());
      const gl = c.content === "gl" ? await glStats(`${session.dir}/glspin.jsonl`, seconds) : null;
      return {
        name: c.name,
        content: c.content,
        width: c.width,
        height: c.height,
        fps: c.fps,
        encoder: viewer.hello.encoder,
        codec: viewer.hello.codec,
        readyMs: session.readyMs,
        firstFrameMs: viewer.firstFrameMs(),
        deliveredFps: fps,
        minFps,
        kbps,
        serverCpu: pct(after.server - before.server),
        appCpu: pct(after.app - before.app),
        cpuBreakdown: breakdown(threadsBefore, threadsAfter, pct),
        glFps: gl?.fps ?? null,
        glRenderer: gl?.renderer ?? null,
        glMs: gl?.ms ?? null,
        glOnGpu: smi === null || c.content === "idle" ? null : /glspin/.test(smi),
      };
    } finally {
      viewer.close();
    }
  } catch (error) {
    console.error(session.log().split("\n").slice(-20).join("\n"));
    throw error;
  } finally {
    await session.stop();
  }
}

/** glspin's renderer line and the mean of its last `seconds` one-second lines. */
async function glStats(path: string, seconds: number) {
  const lines = (await Deno.readTextFile(path).catch(() => "")).trim().split("\n").filter(Boolean)
    .map((l) => JSON.parse(l));
  const head = lines.find((l) => "renderer" in l);
  const tail = lines.filter((l) => "fps" in l).slice(-seconds);
  const mean = (key: string) => tail.reduce((s, l) => s + l[key], 0) / Math.max(1, tail.length);
  return {
    renderer: head ? `${head.renderer} (${head.egl}, ${head.eglVendor})` : null,
    fps: mean("fps"),
    ms: { render: mean("renderMs"), readback: mean("readbackMs"), put: mean("putMs") },
  };
}

async function machine() {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const gpu = await command("nvidia-smi", [
    "--query-gpu=name,driver_version,memory.total",
    "--format=csv,noheader",
  ]);
  return {
    host: Deno.hostname(),
    cpu: cpuinfo.match(/model name\s*:\s*(.*)/)?.[1] ?? "unknown",
    // x264's speed depends on these SIMD sets, which a VM may hide.
    simd: ["sse4_2", "avx", "avx2", "avx512f", "avx512bw"]
      .filter((f) => new RegExp(`^flags\\s*:.*\\b${f}\\b`, "m").test(cpuinfo)).join(" "),
    mhz: Number(cpuinfo.match(/cpu MHz\s*:\s*([\d.]+)/)?.[1] ?? 0),
    cores: navigator.hardwareConcurrency,
    gpu: gpu ?? "none (nvidia-smi not found)",
    kernel: Deno.osRelease(),
    deno: Deno.version.deno,
    gstreamer: (await command("gst-inspect-1.0", ["--version"]))?.split("\n")[1] ?? "unknown",
  };
}

function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

if (import.meta.main) {
  const args = Deno.args;
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const out = flag(args, "out", Deno.env.get("OUT") ?? `${root}/bench/results/gpu/local`);
  const seconds = Number(flag(args, "seconds", "10"));
  const warmup = Number(flag(args, "warmup", "3"));
  const cpus = flag(args, "cpus", "") || undefined;
  let cases: BenchCase[];
  try {
    cases = flag(args, "cases", DEFAULT_CASES).split(",").map(parseCase);
  } catch (error) {
    console.error(`bench/gpu.ts: ${(error as Error).message}`);
    Deno.exit(1);
  }
  const info = await machine();
  const encoders = await probeEncoders();
  console.log(`${info.host}: ${info.cpu}, ${info.cores} cores, GPU ${info.gpu}`);
  for (const e of encoders) console.log(`encoder ${e.name}: ${e.available ? "works" : "no"} (${e.reason})`);
  const results: CaseResult[] = [];
  const failures: { case: string; error: string }[] = [];
  for (const c of cases) {
    console.log(`running ${c.name} (${seconds} s after ${warmup} s warm-up)...`);
    try {
      results.push(await measureCase(c, { root, seconds, warmup, cpus }));
    } catch (error) {
      failures.push({ case: c.name, error: String(error) });
      console.error(`${c.name} failed: ${error}`);
    }
  }
  console.log(textTable(results));
  const when = new Date().toISOString();
  const renderers = [...new Set(results.map((r) => r.glRenderer).filter(Boolean))];
  await Deno.mkdir(out, { recursive: true });
  const json = { when, machine: info, cpus: cpus ?? "all", encoders, seconds, warmup, results, failures };
  await Deno.writeTextFile(`${out}/gpu.json`, JSON.stringify(json, null, 2) + "\n");
  const md = [
    `# selkies-hpc GPU-node benchmark, ${when}`,
    "",
    `- Machine: ${info.host}, ${info.cpu} (${info.mhz} MHz; ${info.simd}), ${info.cores} cores, kernel ${info.kernel}`,
    `- GPU: ${info.gpu}; GL renderer: ${renderers.join("; ") || "none"}`,
    `- Deno ${info.deno}, ${info.gstreamer}; ${seconds} s measured after ${warmup} s warm-up per case; ` +
    `sessions on ${cpus ? `CPUs ${cpus} (taskset)` : "all CPUs"}`,
    `- Encoders: ${
      encoders.map((e) => `${e.name} ${e.available ? "works" : `no (${e.reason})`}`).join("; ")
    }`,
    "",
    markdownTable(results),
    "",
    "Server CPU by process/thread (% of one core; threads under 1% left out):",
    "",
    ...results.map((r) =>
      `- ${r.name}: ${Object.entries(r.cpuBreakdown).map(([k, v]) => `${k} ${v.toFixed(0)}%`).join(", ")}`
    ),
    "",
    ...failures.map((f) => `- ${f.case} failed: ${f.error}`),
    "Verdicts: >= 95% of the asked fps delivered; 1080p60 also <= 100% of one core on the server.",
  ].join("\n");
  await Deno.writeTextFile(`${out}/gpu.md`, md + "\n");
  console.log(`wrote ${out}/gpu.json and gpu.md`);
  const failed = failures.length > 0 || results.some((r) => verdict(r) !== "pass");
  Deno.exit(failures.length > 0 ? 2 : failed ? 1 : 0);
}
