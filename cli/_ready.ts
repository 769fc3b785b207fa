/**
 * Waiting for the streamer's `ready.json` (written once the first frame can be served).
 *
 * @module
 */
import { SelkiesError } from "../errors.ts";

/** What the streamer writes to its ready file. */
export interface ReadyInfo {
  url: string;
  host?: string;
  port?: number;
}

/**
 * Reads a ready file; `undefined` while it is absent or incomplete.
 *
 * @example
 * ```ts
 * import { readReady } from "./_ready.ts";
 * const info = await readReady("/tmp/s/ready.json");
 * ```
 */
export async function readReady(path: string): Promise<ReadyInfo | undefined> {
  try {
    const info = JSON.parse(await Deno.readTextFile(path));
    return info && typeof info.url === "string" ? info as ReadyInfo : undefined;
  } catch {
    return undefined; // not there yet, or half written
  }
}

/** Options for {@linkcode waitForReady}. */
export interface WaitForReadyOptions {
  /** Give up after this long. @default {120000} */
  timeoutMs?: number;
  /** Stop waiting when aborted. */
  signal?: AbortSignal;
  /** Poll interval. @default {250} */
  intervalMs?: number;
  /** Stop early (with this error) when it returns a message, e.g. because the job ended. */
  check?: () => Promise<string | undefined>;
}

/**
 * Waits until `path` holds a JSON object with a `url`; throws a {@linkcode SelkiesError} (exit 2)
 * on timeout, or when `check` reports a problem.
 *
 * @example
 * ```ts
 * import { waitForReady } from "./_ready.ts";
 * const { url } = await waitForReady("/tmp/s/ready.json", { timeoutMs: 60_000 });
 * ```
 */
export async function waitForReady(path: string, options: WaitForReadyOptions = {}): Promise<ReadyInfo> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let checks = 0;
  while (true) {
    options.signal?.throwIfAborted();
    const info = await readReady(path);
    if (info) return info;
    if (options.check && ++checks % 8 === 0) {
      const problem = await options.check();
      if (problem) throw new SelkiesError(problem, 2);
    }
    if (Date.now() > deadline) {
      throw new SelkiesError(`the session did not report ready within ${options.timeoutMs ?? 120_000} ms`, 2);
    }
    await sleep(options.intervalMs ?? 250, options.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", abort, { once: true });
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
  });
}
