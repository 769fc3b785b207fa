/**
 * Our side: `selkies-hpc stream` with the benchmark content as its desktop.
 *
 * @module
 */
import { ProcessGroup } from "../streamer/process/mod.ts";
import { sleep } from "./_net.ts";
import { PipelineTrace, traceEnv } from "./gst_trace.ts";
import { DENO_PATH, type PeerOptions, type PeerSession, STAMP_PATH } from "./peer.ts";
import { readAllStats } from "./procstat.ts";
import { endMarked, serverSelector, treeMarkers } from "./session_procs.ts";

const CLI_PATH = new URL("../selkies-hpc", import.meta.url).pathname;

/** Options for {@linkcode startSelkies}. */
export interface SelkiesOptions extends PeerOptions {
  /** Transport the page is told to use. */
  transport: "websocket" | "webrtc";
  /** Extra `selkies-hpc stream` flags (e.g. `["--bitrate", "6000"]`). @default {[]} */
  extraArgs?: string[];
  /** How long to wait for the ready file, ms. @default {60000} */
  readyTimeoutMs?: number;
}

/** The streamer did not become ready; `log` holds the end of its stderr. */
export class StreamerStartError extends Error {
  /**
   * Creates the error.
   *
   * @example
   * ```ts
   * import { StreamerStartError } from "./selkies.ts";
   * new StreamerStartError("exited with code 2", "...");
   * ```
   */
  constructor(reason: string, readonly log: string) {
    super(`selkies-hpc stream did not become ready (${reason}); its last output:\n${log}`);
    this.name = "StreamerStartError";
  }
}

/**
 * Starts the streamer on a free port with the content as desktop and waits for its ready file.
 *
 * @example
 * ```ts ignore
 * import { startSelkies } from "./selkies.ts";
 * const s = await startSelkies({ geometry: "1920x1080", content: "motion", workDir: "/tmp/x", transport: "websocket" });
 * await s.stop();
 * ```
 */
export async function startSelkies(options: SelkiesOptions): Promise<PeerSession> {
  const group = new ProcessGroup({ graceMs: 5000 });
  const readyFile = `${options.workDir}/ready.json`;
  const logFile = `${options.workDir}/stream.log`;
  const desktop = `${DENO_PATH} run -A --quiet ${STAMP_PATH} ${options.content}`;
  const args = [
    "stream",
    "--geometry",
    options.geometry,
    "--port",
    "0",
    "--ready-file",
    readyFile,
    "--session-dir",
    `${options.workDir}/session`,
    "--no-audio",
    "--desktop",
    desktop,
    "--transport",
    options.transport,
    "--fps",
    String(options.fps ?? 60),
    ...(options.extraArgs ?? []),
  ];
  const traceDir = `${options.workDir}/gst-trace`;
  await Deno.mkdir(traceDir);
  const child = group.spawn("selkies-hpc stream", CLI_PATH, {
    args,
    env: traceEnv(traceDir),
    stderr: "piped",
    stdout: "null",
  });
  const log = await Deno.open(logFile, { write: true, create: true, truncate: true });
  const logging = child.process.stderr.pipeTo(log.writable).catch(() => {});
  const stop = async () => {
    const markers = treeMarkers(await readAllStats(), child.pid);
    await group.stop();
    await logging;
    // The streamer should end its own children; whatever it left is ended here and reported.
    return await endMarked(markers);
  };
  const tail = async () =>
    (await Deno.readTextFile(logFile).catch(() => "")).split("\n").slice(-20).join("\n");
  try {
    let exited = false;
    child.exited.then(() => exited = true);
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    let ready: { url: string } | null = null;
    while (ready === null) {
      options.signal?.throwIfAborted();
      if (exited) throw new StreamerStartError("it exited", await tail());
      if (Date.now() > deadline) throw new StreamerStartError("timed out", await tail());
      ready = await Deno.readTextFile(readyFile).then(JSON.parse).catch(() => null);
      if (ready === null) await sleep(200);
    }
    const url = new URL(ready.url);
    url.searchParams.set("transport", options.transport);
    const bitrate = options.extraArgs?.includes("--bitrate")
      ? options.extraArgs[options.extraArgs.indexOf("--bitrate") + 1]
      : "8000 (default)";
    return {
      url: url.href,
      server: serverSelector(() => [child.pid]),
      pipeline: new PipelineTrace(traceDir),
      settings: { transport: options.transport, bitrateKbps: bitrate, fps: options.fps ?? 60 },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
