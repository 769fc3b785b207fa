/**
 * `deno task bench:starved`: a starved client. Our WebSocket transport to a headless Chromium page whose main
 * thread is slowed by CDP CPU throttling, one rate after the other on one session: the frames the page
 * delivers, glass-to-glass latency (the benchmark's time code and probe, as `deno task bench` measures it),
 * and what the streamer says of that viewer (encoder fps, its latency estimate, frames in flight). A paced
 * stream should lose frame rate as the page slows down, not latency.
 *
 * Flags: `--geometry WxH` (default 1280x720), `--fps N` (30), `--rates a,b` (CPU throttling rates, default
 * 1,4,8,16), `--duration S` (8), `--warmup S` (3), `--content motion|text|idle` (motion), `--out FILE` (also
 * write the results as JSON).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { launchBrowser } from "../tests/fixtures/browser.ts";
import { CONTENT_MODES, type ContentMode } from "./content/stamp.ts";
import { type Measurement, measurePage } from "./measure.ts";
import { probeScript } from "./probe.ts";
import { startSelkies } from "./selkies.ts";
import { browserSelector } from "./session_procs.ts";

/** What the command line asked for. */
export interface StarvedArgs {
  /** Screen size. */
  geometry: string;
  /** Frames per second asked of the streamer. */
  fps: number;
  /** CPU throttling rates of the page, one case each. */
  rates: number[];
  /** Measured seconds per rate. */
  durationS: number;
  /** Seconds after each change of rate before measuring. */
  warmupS: number;
  /** What the desktop shows. */
  content: ContentMode;
  /** Where the JSON results go, or null. */
  out: string | null;
}

/** One throttling rate's numbers. */
export interface StarvedCase {
  /** CPU throttling rate of the page (1: none). */
  rate: number;
  /** Delivered fps, glass-to-glass latency, CPU, as `deno task bench` measures them. */
  measurement: Measurement;
  /** The streamer's word on this viewer (`selkiesStats`): encoder fps, latency estimate, frames in flight. */
  streamer: { encoderFps: number; latencyMs: number; inFlight: number; window: number };
}

/**
 * Parses the flags.
 *
 * @example
 * ```ts
 * import { parseStarvedArgs } from "./starved.ts";
 * parseStarvedArgs(["--rates", "1,8"]).rates; // [1, 8]
 * ```
 */
export function parseStarvedArgs(argv: string[]): StarvedArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      geometry: { type: "string", default: "1280x720" },
      fps: { type: "string", default: "30" },
      rates: { type: "string", default: "1,4,8,16" },
      duration: { type: "string", default: "8" },
      warmup: { type: "string", default: "3" },
      content: { type: "string", default: "motion" },
      out: { type: "string" },
    },
  });
  const seconds = z.coerce.number().positive();
  return z.object({
    geometry: z.string().regex(/^\d{2,5}x\d{2,5}$/, "--geometry must look like 1280x720"),
    fps: z.coerce.number().int().min(1).max(120),
    rates: z.string().transform((raw) => raw.split(",").map(Number)).pipe(z.array(z.number().min(1)).min(1)),
    durationS: seconds,
    warmupS: seconds,
    content: z.enum(CONTENT_MODES),
    out: z.string().nullable(),
  }).parse({
    geometry: values.geometry,
    fps: values.fps,
    rates: values.rates,
    durationS: values.duration,
    warmupS: values.warmup,
    content: values.content,
    out: values.out ?? null,
  });
}

/**
 * Runs every rate on one session and one page; returns the cases in the order run.
 *
 * @example
 * ```ts
 * import { parseStarvedArgs, runStarved } from "./starved.ts";
 * declare const run: boolean; // a session and a browser start: not in a doc test
 * if (run) console.log(await runStarved(parseStarvedArgs(["--rates", "1,8"])));
 * ```
 */
export async function runStarved(args: StarvedArgs): Promise<StarvedCase[]> {
  const [width, height] = args.geometry.split("x").map(Number);
  const workDir = await Deno.makeTempDir({ prefix: "selkies-bench-starved-" });
  const session = await startSelkies({
    geometry: args.geometry,
    fps: args.fps,
    content: args.content,
    workDir,
    transport: "websocket",
  });
  const browser = await launchBrowser({ viewport: { width, height } });
  const cases: StarvedCase[] = [];
  try {
    await browser.context.addInitScript({ content: probeScript() });
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    const url = new URL(session.url);
    url.searchParams.set("resize", "off");
    await page.goto(url.href);
    const cdp = await browser.context.newCDPSession(page);
    for (const rate of args.rates) {
      await cdp.send("Emulation.setCPUThrottlingRate", { rate });
      const measurement = await measurePage({
        page,
        server: session.server,
        client: browserSelector(browser.profile),
        warmupMs: args.warmupS * 1000,
        durationMs: args.durationS * 1000,
      });
      const s = measurement.clientStats ?? {};
      const number = (key: string) => typeof s[key] === "number" ? s[key] as number : NaN;
      const streamer = {
        encoderFps: number("encoderFps"),
        latencyMs: number("latencyMs"),
        inFlight: number("inFlight"),
        window: number("window"),
      };
      cases.push({ rate, measurement, streamer });
      console.log(caseLine({ rate, measurement, streamer }));
    }
  } finally {
    await browser.close();
    await session.stop();
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
  return cases;
}

/**
 * One line per case, for the terminal and the commit log.
 *
 * @example
 * ```ts
 * import { caseLine, type StarvedCase } from "./starved.ts";
 * declare const c: StarvedCase;
 * console.log(caseLine(c));
 * ```
 */
export function caseLine(c: StarvedCase): string {
  const m = c.measurement;
  return `${c.rate}x: ${m.fps} fps, glass-to-glass p50 ${m.latency.p50} ms p95 ${m.latency.p95} ms, ` +
    `input p50 ${m.input.p50} ms, client CPU ${m.clientCpu}% | streamer: encoder ${c.streamer.encoderFps} fps, ` +
    `latency ~${c.streamer.latencyMs} ms, ${c.streamer.inFlight}/${c.streamer.window} in flight`;
}

if (import.meta.main) {
  const args = parseStarvedArgs(Deno.args);
  console.log(
    `starved client: ${args.geometry} at ${args.fps} fps, ${args.content}, page throttled ${
      args.rates.join("x, ")
    }x`,
  );
  const cases = await runStarved(args);
  if (args.out) await Deno.writeTextFile(args.out, JSON.stringify({ args, cases }, null, 2) + "\n");
}
