/**
 * `deno task bench`: our streamer against TigerVNC + websockify + noVNC in the same headless
 * Chromium, on the same content, with a calibration of the method itself.
 *
 * Flags: `--quick` (smoke: motion and text, 3 s each, without the hybrid stack), `--out DIR` (default docs/results),
 * `--peers a,b`, `--contents a,b`, `--duration S`, `--warmup S`, `--geometry WxH`,
 * `--from-json FILE` (re-render the reports of an earlier run without measuring), `--quiet-wait S` (longest
 * wait, before each case, for other processes to use < 40% of a core; 60 in the full run, 0 in --quick).
 *
 * Issue 10's starved viewer: `--starved` runs every case a second time with the viewer's Chromium pinned to one
 * CPU that `--starve-load N` busy loops (default 1) share, measured for `--starved-duration S` (default 60), so
 * the report shows starved and unstarved side by side and the latency of the first vs the last 10 s.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { CONTENT_MODES, type ContentMode } from "./content/stamp.ts";
import { markdownSummary } from "./markdown.ts";
import { type PeerName, PEERS, QUICK_PEERS } from "./peer.ts";
import { type BenchReport, runBenchmark, type StarveMode } from "./run.ts";
import { latencySvg } from "./svg.ts";
import { COLUMNS, resultRows, textTable } from "./table.ts";

/** A flag had a value the benchmark cannot use. */
export class BenchUsageError extends Error {
  /**
   * Creates the error.
   *
   * @example
   * ```ts
   * import { BenchUsageError } from "./main.ts";
   * new BenchUsageError("--duration must be a positive number");
   * ```
   */
  constructor(message: string) {
    super(message);
    this.name = "BenchUsageError";
  }
}

/** What the command line asked for. */
export interface BenchArgs {
  /** The smoke run. */
  quick: boolean;
  /** Where results go. */
  out: string;
  /** Stacks to run. */
  peers: PeerName[];
  /** Contents to play. */
  contents: ContentMode[];
  /** Measured seconds per case. */
  durationS: number;
  /** Warm-up seconds per case. */
  warmupS: number;
  /** Screen size. */
  geometry: string;
  /** Frames per second asked of our streamer. */
  fps: number;
  /** Longest wait for a quiet machine before each case, seconds (0 never waits). */
  quietWaitS: number;
  /** Only re-render the reports from this results.json (no measuring). */
  fromJson: string | null;
  /** Also run every case with the viewer starved (`--starved`), or null. */
  starved: StarveMode | null;
}

/**
 * Parses the benchmark's flags (quick mode changes the defaults, explicit flags still win).
 *
 * @example
 * ```ts
 * import { parseBenchArgs } from "./main.ts";
 * parseBenchArgs(["--quick"]).durationS; // 3
 * ```
 */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const parse = () =>
    parseArgs({
      args: argv,
      options: {
        quick: { type: "boolean", default: false },
        out: { type: "string" },
        peers: { type: "string" },
        contents: { type: "string" },
        duration: { type: "string" },
        warmup: { type: "string" },
        geometry: { type: "string", default: "1920x1080" },
        fps: { type: "string", default: "60" },
        "from-json": { type: "string" },
        "quiet-wait": { type: "string" },
        starved: { type: "boolean", default: false },
        "starve-load": { type: "string" },
        "starved-duration": { type: "string" },
      },
    });
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse().values;
  } catch (error) {
    // node:util reports unknown flags and missing values as TypeError; they are usage errors here.
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  const quick = values.quick ?? false;
  const list = <T extends string>(allowed: readonly [T, ...T[]]) =>
    z.string().transform((raw) => raw.split(",").map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.enum(allowed)).min(1, `a comma-separated list of ${allowed.join(", ")}`));
  const flag = <T>(name: string, schema: z.ZodType<T>, raw: unknown, fallback: T): T => {
    if (raw === undefined) return fallback;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    throw new BenchUsageError(`--${name}: ${parsed.error.issues[0].message}; got ${raw}`);
  };
  const seconds = z.coerce.number().positive("must be a positive number of seconds");
  const starve = {
    loops: flag("starve-load", z.coerce.number().int().min(1).max(16), values["starve-load"], 1),
    durationS: flag("starved-duration", seconds, values["starved-duration"], 60),
  };
  if (!values.starved && (values["starve-load"] ?? values["starved-duration"]) !== undefined) {
    throw new BenchUsageError("--starve-load and --starved-duration need --starved");
  }
  return {
    quick,
    out: values.out ?? new URL("../docs/results", import.meta.url).pathname,
    peers: flag("peers", list(PEERS), values.peers, quick ? [...QUICK_PEERS] : [...PEERS]),
    contents: flag(
      "contents",
      list(CONTENT_MODES),
      values.contents,
      quick ? ["motion", "text"] : [...CONTENT_MODES],
    ),
    durationS: flag("duration", seconds, values.duration, quick ? 3 : 20),
    warmupS: flag("warmup", seconds, values.warmup, quick ? 1 : 3),
    geometry: flag(
      "geometry",
      z.string().regex(/^\d{2,5}x\d{2,5}$/, "must look like 1920x1080"),
      values.geometry,
      "",
    ),
    fps: flag("fps", z.coerce.number().int().min(1).max(120), values.fps, 60),
    fromJson: values["from-json"] ?? null,
    quietWaitS: flag("quiet-wait", z.coerce.number().nonnegative(), values["quiet-wait"], quick ? 0 : 60),
    starved: values.starved ? starve : null,
  };
}

/**
 * Writes results.json, results.md and latency.svg into `dir`.
 *
 * @example
 * ```ts
 * import { writeResults } from "./main.ts";
 * import type { BenchReport } from "./run.ts";
 * declare const report: BenchReport;
 * await writeResults(report, "docs/results");
 * ```
 */
export async function writeResults(report: BenchReport, dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/results.json`, JSON.stringify(report, null, 2) + "\n");
  await Deno.writeTextFile(`${dir}/results.md`, markdownSummary(report));
  await Deno.writeTextFile(`${dir}/latency.svg`, latencySvg(report));
}

async function main(argv: string[]): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : error}`);
    return 1;
  }
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error("interrupted"));
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const t0 = performance.now();
  const progress = (line: string) =>
    console.error(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  try {
    const report: BenchReport = args.fromJson
      ? JSON.parse(await Deno.readTextFile(args.fromJson))
      : await runBenchmark({ ...args, progress, signal: abort.signal });
    await writeResults(report, args.out);
    console.log(textTable([COLUMNS, ...resultRows(report)]));
    console.log(
      `\nResults in ${args.out} (results.json, results.md, latency.svg); ${report.wallS} s in all.`,
    );
    return 0;
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : error}`);
    return abort.signal.aborted ? 130 : 2;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
