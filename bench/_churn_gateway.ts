/**
 * A gateway process for the churn benchmark, with the V8 inspector on: its memory is read through the Chrome
 * DevTools Protocol after a forced GC (`Deno.memoryUsage()`: JS heap and external memory) next to what /proc
 * says (RSS, anonymous memory, fds, threads, CPU time), and a heap snapshot can be written for comparison.
 *
 * @module
 */
import { parseStatus } from "./_soak_procs.ts";

/** What the gateway holds at one moment, after a full GC. */
export interface GatewayMemory {
  /** Resident memory (`VmRSS`), bytes. */
  rssBytes: number;
  /** Anonymous resident memory (`Anonymous` of smaps_rollup: the heaps, not mapped files), bytes. */
  anonBytes: number;
  /** V8 heap in use, bytes (null without the inspector). */
  heapUsed: number | null;
  /** V8 heap reserved, bytes (null without the inspector). */
  heapTotal: number | null;
  /** Memory of JS objects held outside the V8 heap (ArrayBuffers and such), bytes (null without the inspector). */
  external: number | null;
  /** Open file descriptors. */
  fds: number;
  /** Threads. */
  threads: number;
  /** CPU time used so far (user + system), seconds. */
  cpuSeconds: number;
}

/** A gateway process under the inspector. */
export interface InspectedGateway {
  /** Its URL (`http://127.0.0.1:<port>/`). */
  url: string;
  /** Its process id. */
  pid: number;
  /** Collects garbage (unless `gc` is false: memory as a plain reading of /proc sees it), then reads its memory. */
  memory(gc?: boolean): Promise<GatewayMemory>;
  /** Collects garbage and writes a V8 heap snapshot (`.heapsnapshot` JSON) to `path`. */
  heapSnapshot(path: string): Promise<void>;
  /** Evaluates `expression` in the gateway and returns its value (JSON-able results only). */
  evaluate(expression: string): Promise<unknown>;
  /** Stops it (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A free TCP port of 127.0.0.1 (the inspector needs one named up front). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Reads `stream` until a line matches `pattern`; the rest is drained in the background (a full pipe blocks). */
async function lineMatching(
  stream: ReadableStream<Uint8Array<ArrayBuffer>>,
  pattern: RegExp,
): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const match = pattern.exec(text);
    if (match) {
      (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })().catch(() => {});
      return match[1];
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`the gateway process ended before printing ${pattern}: ${text.slice(-500)}`);
    text += value;
  }
}

/** A minimal CDP client: numbered calls, and events passed to `onEvent`. */
async function cdp(wsUrl: string, onEvent: (method: string, params: Record<string, unknown>) => void) {
  const ws = new WebSocket(wsUrl);
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let next = 1;
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data as string);
    if (msg.id === undefined) return onEvent(msg.method, msg.params);
    const call = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) call?.reject(new Error(`${msg.error.message}`));
    else call?.resolve(msg.result);
  };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`inspector at ${wsUrl} refused`));
  });
  return {
    call(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
      const id = next++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve, reject) =>
        pending.set(id, { resolve: (v) => resolve(v as Record<string, unknown>), reject })
      );
    },
    close: () => ws.close(),
  };
}

function procMemory(pid: number): Omit<GatewayMemory, "heapUsed" | "heapTotal" | "external"> {
  const { rssBytes, threads } = parseStatus(Deno.readTextFileSync(`/proc/${pid}/status`));
  const rollup = Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`);
  const anonBytes = Number(/^Anonymous:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
  // utime and stime, fields 14 and 15, after the parenthesised command name.
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  const cpuSeconds = (Number(stat[11]) + Number(stat[12])) / 100;
  const fds = [...Deno.readDirSync(`/proc/${pid}/fd`)].length;
  return { rssBytes, anonBytes, fds, threads, cpuSeconds };
}

/**
 * Starts `runGateway(settings)` (bench/gateway/_serve.ts) in a child Deno process with `--inspect` and
 * `--expose-gc`, and connects to its inspector. With `inspect: false` there is no inspector (its thread and
 * session cost memory of their own): garbage is collected through SIGUSR1, and the JS heap is not read.
 *
 * @example
 * ```ts
 * import { startInspectedGateway } from "./_churn_gateway.ts";
 * const gw = await startInspectedGateway({ mode: "site", auth: { mode: "token" } });
 * const { rssBytes, heapUsed } = await gw.memory();
 * await gw.stop();
 * ```
 */
export async function startInspectedGateway(
  settings: Record<string, unknown>,
  options: { env?: Record<string, string>; inspect?: boolean; v8Flags?: string[] } = {},
): Promise<InspectedGateway> {
  const inspect = options.inspect ?? true;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...inspect ? [`--inspect=127.0.0.1:${freePort()}`] : [],
      `--v8-flags=${["--expose-gc", ...options.v8Flags ?? []].join(",")}`,
      new URL("./gateway/_serve.ts", import.meta.url).pathname,
    ],
    env: { SELKIES_BENCH_GATEWAY: JSON.stringify(settings), SELKIES_LOG_LEVEL: "warning", ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
  };
  try {
    if (!inspect) {
      child.stderr.pipeTo(new WritableStream()).catch(() => {}); // drained: a full pipe blocks the gateway
      return uninspected(child.pid, await lineMatching(child.stdout, /^(http\S+)\n/m), stop);
    }
    const wsUrl = await lineMatching(child.stderr, /(ws:\/\/\S+)/);
    const url = await lineMatching(child.stdout, /^(http\S+)\n/m);
    const chunks: string[] = [];
    const inspector = await cdp(wsUrl, (method, params) => {
      if (method === "HeapProfiler.addHeapSnapshotChunk") chunks.push(params.chunk as string);
    });
    const evaluate = async (expression: string) => {
      const { result, exceptionDetails } = await inspector.call("Runtime.evaluate", {
        expression,
        returnByValue: true,
        awaitPromise: true,
      }) as { result: { value: unknown }; exceptionDetails?: unknown };
      if (exceptionDetails) throw new Error(`evaluate failed: ${JSON.stringify(exceptionDetails)}`);
      return result.value;
    };
    return {
      url,
      pid: child.pid,
      evaluate,
      async memory(gc = true) {
        const usage = JSON.parse(
          await evaluate(
            `${gc ? "globalThis.gc(); globalThis.gc(); " : ""}JSON.stringify(Deno.memoryUsage())`,
          ) as string,
        );
        return {
          ...procMemory(child.pid),
          heapUsed: usage.heapUsed,
          heapTotal: usage.heapTotal,
          external: usage.external,
        };
      },
      async heapSnapshot(path) {
        chunks.length = 0;
        await inspector.call("HeapProfiler.collectGarbage");
        await inspector.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
        await Deno.writeTextFile(path, chunks.join(""));
        chunks.length = 0;
      },
      async stop() {
        inspector.close();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The gateway without an inspector: GC through SIGUSR1 (bench/gateway/_serve.ts), /proc only. */
function uninspected(pid: number, url: string, stop: () => Promise<void>): InspectedGateway {
  const none = () => Promise.reject(new Error("the gateway runs without the inspector"));
  return {
    url,
    pid,
    evaluate: none,
    heapSnapshot: none,
    async memory(gc = true) {
      if (gc) {
        Deno.kill(pid, "SIGUSR1");
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      return { ...procMemory(pid), heapUsed: null, heapTotal: null, external: null };
    },
    stop,
  };
}
