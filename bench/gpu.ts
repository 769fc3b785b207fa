/**
 * GPU-node benchmark: runs real `selkies-hpc stream` sessions (1080p60, 4K30, and a 720p30 and an
 * idle-desktop baseline in the same run) with glspin, an EGL program that renders on the GPU and puts
 * each frame on the X screen, and measures with a WebSocket viewer what the transport delivers: fps,
 * bitrate, first-frame time; plus the server's CPU (% of one core, from /proc) and the GL program's fps.
 * Prints a table and writes gpu.json and gpu.md to `--out` (or $OUT).
 *
 *   scripts/deno run -A bench/gpu.ts [--out DIR] [--seconds 10] [--warmup 3] [--cases gl-1080p60,...]
 *     [--cpus 0-3]   (sessions under `taskset -c`: x264 sizes its thread pool by the CPUs it may use)
 *     [--isolation]  (also two VirtualGL sessions on one GPU at once: bench/_gpu_isolation.ts)
 *
 * A `glx-` case runs a GLX program (VirtualGL's glxspheres64, full screen) under `vglrun -d egl<N>` instead of
 * glspin (`--gl virtualgl-egl`; VirtualGL on PATH), with VirtualGL's readback and put times.
 *
 * A case is `<gl|glx|idle>-<720p|1080p|1440p|4k><fps>[-hybrid]`: the `-hybrid` twin runs the same session with
 * `--encoding hybrid` (screen updates; H.264 inside them while most of the screen moves). glspin must be on PATH (scripts/gpu/run.sh builds
 * the environment; on a desktop machine: `cc -O2 -o glspin scripts/gpu/glspin.c -lEGL -lGLESv2 -lX11
 * -lXext`). Chromium is not part of this run: frames are counted, not decoded.
 *
 * @module
 */
import { probeEncoders } from "../streamer/media/probe.ts";
import { delay } from "../tests/fixtures/async.ts";
import { startStream } from "../tests/fixtures/stream.ts";
import {
  type BenchCase,
  breakdown,
  type CaseResult,
  parseCase,
  rows,
  summarize,
  verdict,
} from "./_gpu_report.ts";
import { connectViewer } from "./_gpu_viewer.ts";
import { measureIsolation } from "./_gpu_isolation.ts";
import { type ProcessSelector, startCpuMeter } from "./cpu_meter.ts";
import { machineInfo } from "./machine.ts";
import { argv, CLOCK_TICKS, descendants, readAllStats, threadTicks } from "./procstat.ts";
import { markdownTable, textTable } from "./table.ts";

const DEFAULT_CASES = "idle-1080p60,gl-720p30,gl-1080p30,gl-1080p60,gl-4k30," +
  "idle-1080p60-hybrid,gl-1080p60-hybrid,gl-4k30-hybrid";

async function command(cmd: string, args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

/** Options for {@linkcode measureCase}. */
export interface MeasureOptions {
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
 * ```ts
 * import { measureCase } from "./gpu.ts";
 * import { parseCase } from "./_gpu_report.ts";
 * const r = await measureCase(parseCase("gl-1080p60"));
 * console.log(r.deliveredFps, r.serverCpu);
 * ```
 */
export async function measureCase(c: BenchCase, options: MeasureOptions = {}): Promise<CaseResult> {
  const { seconds = 10, warmup = 3, cpus } = options;
  const dir = await Deno.makeTempDir({ prefix: "selkies-gpu-bench-" });
  const desktop = c.content === "gl"
    ? `exec glspin --fps ${c.fps} --stats ${dir}/glspin.jsonl`
    : c.content === "glx"
    ? glxCommand(c.fps, `${dir}/glx.log`)
    : "exec sleep 1d";
  try {
    const session = await startStream({
      geometry: `${c.width}x${c.height}`,
      fps: c.fps,
      desktop,
      cpus,
      dir,
      // Only the glx cases run under VirtualGL: glspin is the EGL baseline, and auto would wrap it too.
      args: ["--encoding", c.encoding, "--gl", c.content === "glx" ? "virtualgl-egl" : "off"],
    });
    try {
      const viewer = await connectViewer({ url: session.url, token: session.token });
      try {
        await delay(warmup * 1000);
        viewer.reset();
        // The server is the session's process tree without glspin (and its children): the app's own CPU apart.
        const server: ProcessSelector = (all) =>
          descendants(all, [session.pid], (pid) => APPS.test(argv(pid)[0] ?? ""));
        const app: ProcessSelector = (all) => {
          const ours = server(all);
          return new Set([...descendants(all, [session.pid])].filter((pid) => !ours.has(pid)));
        };
        const before = await readAllStats();
        const threadsBefore = threadTicks(server(before));
        const appThreadsBefore = threadTicks(app(before));
        const [serverMeter, appMeter] = [await startCpuMeter(server), await startCpuMeter(app)];
        const t0 = performance.now();
        await delay(seconds * 500);
        const smi = await command("nvidia-smi", []);
        await delay(seconds * 500);
        const [serverCpu, appCpu] = [await serverMeter.stop(), await appMeter.stop()];
        const after = await readAllStats();
        const threadsAfter = threadTicks(server(after));
        const appThreadsAfter = threadTicks(app(after));
        const elapsed = (performance.now() - t0) / 1000;
        const { fps, minFps, kbps } = summarize(viewer.buckets());
        const carried = viewer.carried();
        const gl = c.content === "gl"
          ? await glStats(`${dir}/glspin.jsonl`, seconds)
          : c.content === "glx"
          ? await glxStats(`${dir}/glx.log`, seconds)
          : null;
        const pct = (ticks: number) => ticks / CLOCK_TICKS / elapsed * 100;
        return {
          ...c,
          encoder: viewer.hello.encoder,
          codec: viewer.hello.codec,
          readyMs: session.readyMs,
          firstFrameMs: viewer.firstFrameMs(),
          deliveredFps: fps,
          minFps,
          kbps,
          serverCpu,
          appCpu,
          cpuBreakdown: breakdown(threadsBefore, threadsAfter, pct),
          appBreakdown: breakdown(appThreadsBefore, appThreadsAfter, pct),
          glFps: gl?.fps ?? null,
          glRenderer: gl?.renderer ?? null,
          glMs: gl?.ms ?? null,
          glOnGpu: smi === null || c.content === "idle" ? null : APPS.test(smi),
          carried,
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
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The GL programs of the cases: not server processes (their CPU is the app's). */
const APPS = /glspin|glxspheres64/;

/**
 * The glx cases' app: VirtualGL's glxspheres64 full screen, its frames paced by VirtualGL (VGL_FPS with frame
 * spoiling off, so the app renders only the frames that are put), with VirtualGL's profiler on.
 */
function glxCommand(fps: number, log: string): string {
  return `VGL_PROFILE=1 VGL_FPS=${fps} VGL_SPOIL=0 exec glxspheres64 -fs >${log} 2>&1`;
}

/**
 * glxspheres64's renderer and VirtualGL's profile (VGL_PROFILE=1) over the last `seconds`: frames put on the X
 * screen per second (its Total line), and the ms per frame of the readback and of the put (XShmPutImage).
 */
async function glxStats(path: string, seconds: number) {
  const text = await Deno.readTextFile(path).catch(() => "");
  const stage = (name: string) =>
    [...text.matchAll(new RegExp(`^${name}\\s+-\\s+[\\d.]+ Mpixels/sec-\\s+([\\d.]+) fps`, "gm"))]
      .map((m) => Number(m[1])).slice(-seconds);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const renderer = text.match(/OpenGL Renderer: (.*)/)?.[1]?.trim();
  const total = stage("Total");
  return {
    renderer: renderer ? `${renderer} (VirtualGL EGL)` : null,
    fps: total.length ? mean(total) : 0,
    ms: { render: NaN, readback: 1000 / mean(stage("Readback")), put: 1000 / mean(stage("Blit")) },
  };
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
    ...await machineInfo(),
    host: Deno.hostname(),
    // x264's speed depends on these SIMD sets, which a VM may hide.
    simd: ["sse4_2", "avx", "avx2", "avx512f", "avx512bw"]
      .filter((f) => new RegExp(`^flags\\s*:.*\\b${f}\\b`, "m").test(cpuinfo)).join(" "),
    mhz: Number(cpuinfo.match(/cpu MHz\s*:\s*([\d.]+)/)?.[1] ?? 0),
    gpu: gpu ?? "none (nvidia-smi not found)",
    gstreamer: (await command("gst-inspect-1.0", ["--version"]))?.split("\n")[1] ?? "unknown",
  };
}

function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

if (import.meta.main) {
  const args = Deno.args;
  const out = flag(
    args,
    "out",
    Deno.env.get("OUT") ?? new URL("../docs/results/gpu/local", import.meta.url).pathname,
  );
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
  console.log(`${info.host}: ${info.cpu}, ${info.nproc} cores, GPU ${info.gpu}`);
  for (const e of encoders) console.log(`encoder ${e.name}: ${e.available ? "works" : "no"} (${e.reason})`);
  const results: CaseResult[] = [];
  const failures: { case: string; error: string }[] = [];
  for (const c of cases) {
    console.log(`running ${c.name} (${seconds} s after ${warmup} s warm-up)...`);
    try {
      results.push(await measureCase(c, { seconds, warmup, cpus }));
    } catch (error) {
      failures.push({ case: c.name, error: String(error) });
      console.error(`${c.name} failed: ${error}`);
    }
  }
  console.log(textTable(rows(results)));
  const isolation = args.includes("--isolation") ? await measureIsolation().catch((e) => String(e)) : null;
  if (isolation !== null) console.log(`two sessions on one GPU: ${JSON.stringify(isolation)}`);
  const when = new Date().toISOString();
  const renderers = [...new Set(results.map((r) => r.glRenderer).filter(Boolean))];
  await Deno.mkdir(out, { recursive: true });
  const json = {
    when,
    machine: info,
    cpus: cpus ?? "all",
    encoders,
    seconds,
    warmup,
    results,
    failures,
    isolation,
  };
  await Deno.writeTextFile(`${out}/gpu.json`, JSON.stringify(json, null, 2) + "\n");
  const md = [
    `# selkies-hpc GPU-node benchmark, ${when}`,
    "",
    `- Machine: ${info.host}, ${info.cpu} (${info.mhz} MHz; ${info.simd}), ${info.nproc} cores, kernel ${info.kernel}`,
    `- GPU: ${info.gpu}; GL renderer: ${renderers.join("; ") || "none"}`,
    `- Deno ${info.deno}, ${info.gstreamer}; ${seconds} s measured after ${warmup} s warm-up per case; ` +
    `sessions on ${cpus ? `CPUs ${cpus} (taskset)` : "all CPUs"}`,
    `- Encoders: ${
      encoders.map((e) => `${e.name} ${e.available ? "works" : `no (${e.reason})`}`).join("; ")
    }`,
    "",
    markdownTable(rows(results)),
    "",
    "Server CPU by process/thread (% of one core; threads under 1% left out):",
    "",
    ...results.map((r) =>
      `- ${r.name}: ${Object.entries(r.cpuBreakdown).map(([k, v]) => `${k} ${v.toFixed(0)}%`).join(", ")}`
    ),
    "",
    "GL program CPU by thread (% of one core; under VirtualGL the render thread also reads the frame back):",
    "",
    ...results.filter((r) => r.content !== "idle").map((r) =>
      `- ${r.name}: ${
        Object.entries(r.appBreakdown ?? {}).map(([k, v]) => `${k} ${v.toFixed(0)}%`).join(", ")
      }`
    ),
    "",
    ...(isolation === null
      ? []
      : [`Two VirtualGL sessions on one GPU (bench/_gpu_isolation.ts): ${JSON.stringify(isolation)}`, ""]),
    ...failures.map((f) => `- ${f.case} failed: ${f.error}`),
    "Verdicts: >= 95% of the asked fps delivered; 1080p60 also <= 100% of one core on the server.",
    "Hybrid cases (`-hybrid`): a frame is one screen update; `carried` counts its operations.",
  ].join("\n");
  await Deno.writeTextFile(`${out}/gpu.md`, md + "\n");
  console.log(`wrote ${out}/gpu.json and gpu.md`);
  const failed = failures.length > 0 || results.some((r) => verdict(r) !== "pass");
  Deno.exit(failures.length > 0 ? 2 : failed ? 1 : 0);
}
