/**
 * Runs one fuzz target in several Web Workers at once, each with its own share of the inputs and its own
 * generator (see `runFuzz`'s `Shard`). CI has 2 cores and `deno test` runs test files one after the other,
 * so a CPU-bound target otherwise leaves one core idle. Workers, not this thread, also for a cheaper memory
 * reading: a worker's heap is ~12 MB where the test runner's is ~85 MB, and each reading is a full GC.
 *
 * The target comes from a module (`module`, its export `name`): a function resolving to a
 * {@linkcode FuzzSetup}, which a worker can import and call the same way.
 *
 * @module
 */
import { type FuzzConfig, fuzzConfig, type FuzzReport, type FuzzTarget, runFuzz } from "./_run.ts";
import { mb } from "./_memory.ts";

/** A target with what it set up and must clean after. */
export interface FuzzSetup<T = unknown> {
  target: FuzzTarget<T>;
  /** Checked after the run (a throw fails the target), e.g. that every batch's legitimate client was served. */
  check?(report: FuzzReport): void;
  dispose?(): void | Promise<void>;
}

/** What a worker is asked to run. */
export interface ShardRequest {
  module: string;
  name: string;
  index: number;
  of: number;
  config: FuzzConfig;
}

/**
 * Runs one part where it is asked (here or in a worker).
 *
 * @example
 * ```ts
 * import { runShard } from "./_shards.ts";
 * import { fuzzConfig } from "./_run.ts";
 * const module = new URL("./_config_target.ts", import.meta.url).href;
 * await runShard({ module, name: "configTarget", index: 1, of: 2, config: fuzzConfig() });
 * ```
 */
export async function runShard(request: ShardRequest): Promise<FuzzReport> {
  const factory = (await import(request.module))[request.name] as () => Promise<FuzzSetup> | FuzzSetup;
  const setup = await factory();
  try {
    const report = await runFuzz(setup.target, request);
    setup.check?.(report);
    return report;
  } finally {
    await setup.dispose?.();
  }
}

function inWorker(request: ShardRequest): Promise<FuzzReport> {
  const worker = new Worker(new URL("./_shard_worker.ts", import.meta.url), { type: "module" });
  return new Promise<FuzzReport>((resolve, reject) => {
    worker.onmessage = (event) =>
      event.data.error ? reject(new Error(event.data.error)) : resolve(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(`part ${request.index + 1}/${request.of} of ${request.name}: ${event.message}`));
    };
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

/**
 * Runs the target exported as `name` from `module` in `parts` threads and merges their reports: inputs
 * and crashes add up, the heap is the part that grew most.
 *
 * @example
 * ```ts
 * import { runSharded } from "./_shards.ts";
 * import { assertClean } from "./_run.ts";
 * assertClean(await runSharded(new URL("./_config_target.ts", import.meta.url).href, "configTarget"));
 * ```
 */
export async function runSharded(module: string, name: string, parts = 2): Promise<FuzzReport> {
  const config = fuzzConfig();
  const requests = Array.from({ length: parts }, (_, index) => ({ module, name, index, of: parts, config }));
  const started = performance.now();
  const reports = await Promise.all(requests.map(inWorker));
  const seconds = (performance.now() - started) / 1000;
  const heap = reports.map((r) => r.heap).sort((a, b) => (b.late - b.early) - (a.late - a.early))[0];
  const inputs = reports.reduce((n, r) => n + r.inputs, 0);
  const crashes = reports.flatMap((r) => r.crashes), unhandled = reports.flatMap((r) => r.unhandled);
  const line =
    `fuzz ${reports[0].name}: ${inputs} inputs in ${parts} worker${
      parts > 1 ? "s" : ""
    }, seed ${config.seed}, ` +
    `${seconds.toFixed(1)} s, heap (the part that grew most) ${mb(heap.early)} -> ${mb(heap.late)} MB, ` +
    `${crashes.length} crashes, ${unhandled.length} unhandled`;
  console.log(line);
  return {
    ...reports[0],
    inputs,
    seconds,
    crashes,
    unhandled,
    heap: { ...heap, flat: reports.every((r) => r.heap.flat) },
    line,
  };
}
