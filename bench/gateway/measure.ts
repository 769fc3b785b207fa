/**
 * The gateway's measurements: relay throughput under a flow-control window, one-way latency of
 * small frames, and the RSS of a process from /proc (its CPU: ../cpu_meter.ts).
 *
 * @module
 */
import { encodeMediaFrame, MEDIA_HEADER_BYTES } from "../../protocol/protocol.ts";
import type { StreamPair } from "./_peers.ts";

/** Options for {@linkcode measureThroughput}. */
export interface ThroughputOptions {
  /** How long to push, seconds. @default {5} */
  seconds?: number;
  /** Size of each frame, bytes. @default {65536} */
  frameBytes?: number;
  /** Most bytes sent and not yet received (kept under the relay's 2 MiB congestion mark). @default {1048576} */
  windowBytes?: number;
}

/**
 * Pushes keyframe-sized binary frames as fast as the receiver takes them; returns bytes and seconds.
 *
 * @example
 * ```ts
 * import { measureThroughput } from "./measure.ts";
 * import { directPair } from "./_peers.ts";
 * const pair = await directPair();
 * const { bytes, seconds } = await measureThroughput(pair, { seconds: 3 });
 * ```
 */
export async function measureThroughput(
  pair: StreamPair,
  options: ThroughputOptions = {},
): Promise<{ bytes: number; seconds: number }> {
  const frameBytes = options.frameBytes ?? 65536, windowBytes = options.windowBytes ?? 1 << 20;
  const frame = encodeMediaFrame({
    kind: "video",
    key: true,
    timestampUs: 0,
    payload: crypto.getRandomValues(new Uint8Array(frameBytes - MEDIA_HEADER_BYTES)),
  });
  let sent = 0, received = 0;
  const done = Promise.withResolvers<void>();
  const end = performance.now() + (options.seconds ?? 5) * 1000;
  const pump = () => {
    while (sent - received < windowBytes && performance.now() < end) {
      pair.send(frame);
      sent += frame.byteLength;
    }
    if (performance.now() >= end && received >= sent) done.resolve();
  };
  pair.onReceive((data) => {
    received += data.byteLength;
    pump();
  });
  const start = performance.now();
  pump();
  const timer = setInterval(pump, 50);
  await done.promise;
  clearInterval(timer);
  return { bytes: received, seconds: (performance.now() - start) / 1000 };
}

/** Options for {@linkcode measureLatency}. */
export interface LatencyOptions {
  /** Frames to time. @default {1000} */
  count?: number;
  /** Frame size, bytes. @default {4096} */
  frameBytes?: number;
  /** Gap between frames, ms. @default {5} */
  intervalMs?: number;
}

/**
 * One-way latency of frames sent at a steady pace (both ends share this process's clock); returns ms samples.
 *
 * @example
 * ```ts
 * import { measureLatency } from "./measure.ts";
 * import { directPair } from "./_peers.ts";
 * const pair = await directPair();
 * const samples = await measureLatency(pair, { count: 500 });
 * ```
 */
export async function measureLatency(pair: StreamPair, options: LatencyOptions = {}): Promise<number[]> {
  const count = options.count ?? 1000;
  const samples: number[] = [];
  const done = Promise.withResolvers<void>();
  pair.onReceive((data) => {
    const view = new DataView(data.buffer, data.byteOffset + MEDIA_HEADER_BYTES, 8);
    samples.push(performance.now() - view.getFloat64(0));
    if (samples.length === count) done.resolve();
  });
  const payload = new Uint8Array((options.frameBytes ?? 4096) - MEDIA_HEADER_BYTES);
  for (let i = 0; i < count; i++) {
    new DataView(payload.buffer).setFloat64(0, performance.now());
    pair.send(encodeMediaFrame({ kind: "video", key: true, timestampUs: i, payload }));
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 5));
  }
  await Promise.race([done.promise, new Promise((r) => setTimeout(r, 10_000))]);
  return samples;
}

/**
 * Resident set size of a process, bytes.
 *
 * @example
 * ```ts
 * import { rssBytes } from "./measure.ts";
 * const rss = await rssBytes(Deno.pid);
 * ```
 */
export async function rssBytes(pid: number): Promise<number> {
  const kb = (await Deno.readTextFile(`/proc/${pid}/status`)).match(/^VmRSS:\s+(\d+)/m)?.[1];
  return Number(kb) * 1024;
}
