/**
 * Our side: `selkies-hpc stream` (the tests' stream fixture) with the benchmark content as its desktop,
 * GStreamer's latency tracer on, and the processes it leaves behind counted.
 *
 * @module
 */
import { startStream } from "../tests/fixtures/stream.ts";
import { PipelineTrace, traceEnv } from "./gst_trace.ts";
import { DENO_PATH, type PeerOptions, type PeerSession, type SelkiesPeer, STAMP_PATH } from "./peer.ts";
import { readAllStats } from "./procstat.ts";
import { endMarked, serverSelector, treeMarkers } from "./session_procs.ts";

/** Options for {@linkcode startSelkies}. */
export interface SelkiesOptions extends PeerOptions, Partial<Pick<SelkiesPeer, "encoding">> {
  /** Transport the page is told to use. */
  transport: SelkiesPeer["transport"];
  /** Extra `selkies-hpc stream` flags (e.g. `["--bitrate", "6000"]`). @default {[]} */
  extraArgs?: string[];
}

/**
 * Starts the streamer on a free port with the content as desktop and waits until it is ready.
 *
 * @example
 * ```ts
 * import { startSelkies } from "./selkies.ts";
 * const s = await startSelkies({
 *   geometry: "1920x1080",
 *   content: "region",
 *   workDir: "/tmp/x",
 *   transport: "websocket",
 *   encoding: "hybrid",
 * });
 * await s.stop();
 * ```
 */
export async function startSelkies(options: SelkiesOptions): Promise<PeerSession> {
  const traceDir = `${options.workDir}/gst-trace`;
  await Deno.mkdir(traceDir);
  const fps = options.fps ?? 60;
  const encoding = options.encoding ?? "video";
  const session = await startStream({
    geometry: options.geometry,
    fps,
    desktop: `${DENO_PATH} run -A --quiet ${STAMP_PATH} ${options.content}`,
    args: [
      "--transport",
      options.transport,
      "--encoding",
      encoding,
      ...(options.extraArgs ?? []),
    ],
    env: traceEnv(traceDir),
    dir: options.workDir,
    signal: options.signal,
  });
  const url = new URL(session.url);
  url.searchParams.set("transport", options.transport);
  // More of the page's settings for an A/B run, e.g. SELKIES_BENCH_PAGE=overlay=0.
  for (const [key, value] of new URLSearchParams(Deno.env.get("SELKIES_BENCH_PAGE") ?? "")) {
    url.searchParams.set(key, value);
  }
  const bitrate = options.extraArgs?.includes("--bitrate")
    ? options.extraArgs[options.extraArgs.indexOf("--bitrate") + 1]
    : "8000 (default)";
  return {
    url: url.href,
    server: serverSelector(() => [session.pid]),
    pipeline: new PipelineTrace(traceDir),
    settings: { transport: options.transport, encoding, bitrateKbps: bitrate, fps },
    async stop() {
      const markers = treeMarkers(await readAllStats(), session.pid);
      await session.stop();
      // The streamer should end its own children; whatever it left is ended here and reported.
      return await endMarked(markers);
    },
  };
}
