/**
 * Waits, between cases, until the rest of the machine is quiet enough to measure on.
 *
 * @module
 */
import { delay } from "../tests/fixtures/async.ts";
import { startSystemMeter } from "./cpu_meter.ts";

/** Options for {@linkcode waitForQuiet}. */
export interface QuietOptions {
  /** Machine-wide CPU (% of one core) below which the machine counts as quiet. @default {40} */
  thresholdPercent?: number;
  /** Longest wait in seconds; 0 checks nothing. */
  maxWaitS: number;
  /** Progress lines. */
  progress?: (line: string) => void;
  /** Aborts the wait. */
  signal?: AbortSignal;
}

/**
 * Samples the machine's CPU use each second until it is below the threshold or the time is up.
 * Returns the last sample (% of one core), or null when it did not check.
 *
 * @example
 * ```ts
 * import { waitForQuiet } from "./quiet.ts";
 * await waitForQuiet({ maxWaitS: 30 });
 * ```
 */
export async function waitForQuiet(options: QuietOptions): Promise<number | null> {
  if (options.maxWaitS <= 0) return null;
  const threshold = options.thresholdPercent ?? 40;
  const deadline = Date.now() + options.maxWaitS * 1000;
  let said = false;
  while (true) {
    const meter = await startSystemMeter();
    await delay(1000, { signal: options.signal });
    const busy = await meter.stop();
    if (busy < threshold || Date.now() >= deadline) {
      if (said && busy >= threshold) options.progress?.(`still ${busy}% busy; measuring anyway`);
      return busy;
    }
    if (!said) {
      options.progress?.(`other processes use ${busy}% of a core; waiting up to ${options.maxWaitS} s`);
    }
    said = true;
  }
}
