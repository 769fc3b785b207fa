/**
 * Runs one fuzz target: generated inputs in batches, each input's thrown error recorded as a crash (with
 * the seed, its index and a preview of the input), unhandled rejections and uncaught errors caught while it
 * runs, the heap read after a collection between batches, and a check after each batch (e.g. that a
 * legitimate viewer is still served). Counts and seed: fixed in CI; `--long` (`deno task fuzz --long`) or
 * `SELKIES_FUZZ_LONG=1` multiplies the counts by 10 (or `SELKIES_FUZZ_SCALE`) and picks a random seed,
 * printed; `SELKIES_FUZZ_SEED=<n>` replays one.
 *
 * @module
 */
import { Rng } from "./_gen.ts";
import { type Flatness, flatness, mb, settledMemory } from "./_memory.ts";

/** The CI seed. */
export const CI_SEED = 0x5e1c1e5;

/** Seed and scale of this run. */
export interface FuzzConfig {
  seed: number;
  /** Multiplier of every target's count (1 in CI). */
  scale: number;
  long: boolean;
}

/**
 * This run's seed and scale, from `--long`, `SELKIES_FUZZ_LONG`, `SELKIES_FUZZ_SCALE`, `SELKIES_FUZZ_SEED`.
 *
 * @example
 * ```ts
 * import { fuzzConfig } from "./_run.ts";
 * fuzzConfig().scale; // 1 unless --long
 * ```
 */
export function fuzzConfig(): FuzzConfig {
  const long = Deno.args.includes("--long") || Deno.env.get("SELKIES_FUZZ_LONG") === "1";
  const given = Deno.env.get("SELKIES_FUZZ_SEED");
  const seed = given ? Number(given) >>> 0 : long ? crypto.getRandomValues(new Uint32Array(1))[0] : CI_SEED;
  const scale = long ? Number(Deno.env.get("SELKIES_FUZZ_SCALE") ?? 10) : 1;
  return { seed, scale, long };
}

/** One fuzz target. */
export interface FuzzTarget<T> {
  /** Name in reports. */
  name: string;
  /** Inputs in CI (scaled up by `--long`). */
  count: number;
  /** Messages in one input, where an input is a group of them (reports count messages). @default {1} */
  perInput?: number;
  /** Batches (memory is read and `afterBatch` runs between them). @default {8} */
  batches?: number;
  /** Generates one input. */
  make(rng: Rng, index: number): T;
  /** Feeds one input to the code under test; a throw or rejection is a crash. */
  run(input: T, index: number): void | Promise<void>;
  /** Checked after each batch, e.g. that a legitimate viewer is still served; a throw fails the target. */
  afterBatch?(batch: number): void | Promise<void>;
  /** Allowed heap growth before it counts as a leak. @default {8 MiB} */
  toleranceBytes?: number;
}

/** One part of a target run in several threads (see `_shards.ts`). */
export interface Shard {
  /** This part, from 0. */
  index: number;
  /** Parts in all. */
  of: number;
  /** The run's config (a worker has no `--long` of its own to read). */
  config: FuzzConfig;
}

/** What a target's run found. */
export interface FuzzReport {
  name: string;
  seed: number;
  inputs: number;
  /** Batches run (each followed by `afterBatch`). */
  batches: number;
  seconds: number;
  crashes: string[];
  unhandled: string[];
  heap: Flatness;
  rss: { first: number; last: number };
  /** The line the run printed. */
  line: string;
}

function preview(input: unknown): string {
  let text: string;
  if (input instanceof Uint8Array) {
    text = `bytes(${input.byteLength}) ${[...input.subarray(0, 32)].join(",")}`;
  } else {
    try {
      text = typeof input === "string" ? JSON.stringify(input) : JSON.stringify(input) ?? String(input);
    } catch {
      text = String(input);
    }
  }
  return text.length > 300 ? `${text.slice(0, 300)}... (${text.length} chars)` : text;
}

function seedFor(seed: number, name: string): number {
  let h = seed >>> 0;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

/**
 * Runs `target` under this run's config and returns its report (the caller asserts on it).
 *
 * @example
 * ```ts
 * import { runFuzz } from "./_run.ts";
 * const report = await runFuzz({ name: "parse", count: 1000, make: (rng) => rng.int(10), run: (n) => void n });
 * report.crashes.length; // 0
 * ```
 */
export async function runFuzz<T>(target: FuzzTarget<T>, shard?: Shard): Promise<FuzzReport> {
  const config = shard?.config ?? fuzzConfig();
  const parts = shard?.of ?? 1, part = shard?.index ?? 0;
  // Each part has a generator of its own, so parts run at once; one part keeps the name's seed.
  const seed = seedFor(config.seed, parts > 1 ? `${target.name}#${part}/${parts}` : target.name);
  const rng = new Rng(seed);
  const all = Math.round(target.count * config.scale);
  const first = Math.round(all * part / parts), total = Math.round(all * (part + 1) / parts) - first;
  const batches = target.batches ?? 8;
  const name = parts > 1 ? `${target.name} (part ${part + 1}/${parts})` : target.name;
  const crashes: string[] = [];
  let crashCount = 0;
  const unhandled: string[] = [];
  const onRejection = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    unhandled.push(String(event.reason?.stack ?? event.reason));
  };
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    unhandled.push(String(event.error?.stack ?? event.message));
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  globalThis.addEventListener("error", onError);
  const heap: number[] = [], rss: number[] = [];
  const started = performance.now();
  let index = first;
  try {
    for (let batch = 0; batch < batches; batch++) {
      const end = first + Math.round(total * (batch + 1) / batches);
      for (; index < end; index++) {
        const input = target.make(rng, index);
        try {
          const result = target.run(input, index);
          if (result instanceof Promise) await result;
        } catch (error) {
          if (crashCount++ < 20) {
            crashes.push(`input #${index} of ${name} (seed ${config.seed}): ${preview(input)}\n  ${error}`);
          }
        }
      }
      await target.afterBatch?.(batch);
      const sample = await settledMemory();
      heap.push(sample.heapUsed);
      rss.push(sample.rss);
    }
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 0)); // late rejections of the last inputs
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
  }
  const seconds = (performance.now() - started) / 1000;
  const inputs = (index - first) * (target.perInput ?? 1);
  const flat = flatness(heap, target.toleranceBytes);
  const line = `fuzz ${name}: ${inputs} inputs, seed ${config.seed}, ${seconds.toFixed(1)} s, ` +
    `heap ${mb(flat.early)} -> ${mb(flat.late)} MB (rss ${mb(rss[0])} -> ${mb(rss.at(-1)!)} MB), ` +
    `${crashCount} crashes, ${unhandled.length} unhandled`;
  console.log(line);
  return {
    name: target.name,
    seed: config.seed,
    inputs,
    batches,
    seconds,
    crashes,
    unhandled,
    heap: flat,
    rss: { first: rss[0], last: rss.at(-1)! },
    line,
  };
}

/**
 * Fails with every crash, unhandled rejection and leak the report found.
 *
 * @example
 * ```ts
 * import { assertClean, runFuzz } from "./_run.ts";
 * assertClean(await runFuzz({ name: "noop", count: 10, make: () => 0, run: () => {} }));
 * ```
 */
export function assertClean(report: FuzzReport): void {
  const problems = [
    ...report.crashes.map((c) => `crash: ${c}`),
    ...report.unhandled.map((u) => `unhandled: ${u}`),
    ...report.heap.flat ? [] : [`heap grew from ${mb(report.heap.early)} to ${mb(report.heap.late)} MB`],
  ];
  if (problems.length) throw new Error(`${report.line}\n${problems.slice(0, 20).join("\n")}`);
}
