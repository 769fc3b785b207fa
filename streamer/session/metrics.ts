/**
 * The session's Prometheus metrics (text exposition format 0.0.4): the shared encoder's rate and, per viewer
 * of WebSocket media, what the viewer's acknowledgements say (drawn fps, frames in flight, window, round
 * trip, capture-to-drawn latency, frames skipped, the browser's time per frame and which stage limits), so an overloaded viewer shows up on a dashboard as it does
 * in its own overlay; and the job's telemetry (`selkies_job_*`: CPU, memory and GPUs against the allocation,
 * docs/telemetry.md). Served at `<prefix>/metrics` by the embedded server (same credentials as the page).
 *
 * @module
 */
import type { Limit } from "../../protocol/limit.ts";
import type { Delivery } from "../../protocol/protocol.ts";
import type { TelemetryMessage } from "../../protocol/telemetry.ts";

/** What the metrics read of one viewer. */
export interface ViewerSample {
  /** The viewer's number within the session. */
  id: number;
  /** Who or where it is. */
  remote: string;
  /** Its WebSocket media delivery; `undefined` while it gets none (WebRTC). */
  delivery: Delivery | undefined;
}

/** Per-viewer metrics: name, type, help, and the field of {@linkcode Delivery} they show. */
const PER_VIEWER: [string, "gauge" | "counter", string, (d: Delivery) => number][] = [
  [
    "viewer_paced",
    "gauge",
    "1 when the viewer acknowledges frames (receiver-paced).",
    (d) => d.paced ? 1 : 0,
  ],
  ["viewer_fps", "gauge", "Frames the viewer drew per second (acknowledged).", (d) => d.fps],
  ["viewer_frames_in_flight", "gauge", "Frames sent and not yet acknowledged.", (d) => d.inFlight],
  ["viewer_window_frames", "gauge", "Frames allowed in flight to the viewer.", (d) => d.window],
  ["viewer_rtt_ms", "gauge", "Smallest network round trip seen lately, ms.", (d) => d.rttMs],
  [
    "viewer_latency_ms",
    "gauge",
    "Capture to drawn, estimated from acknowledgements, ms.",
    (d) => d.latencyMs,
  ],
  ["viewer_skipped_frames_total", "counter", "Video frames skipped to the next keyframe.", (d) => d.skipped],
  [
    "viewer_browser_ms",
    "gauge",
    "The browser's own time per frame (decode, draw, wait), ms.",
    (d) => d.browserMs,
  ],
];

/** The stages {@linkcode Delivery.limit} names, each a 0/1 series of `selkies_viewer_limit`. */
const LIMITS: readonly Limit[] = ["none", "network", "decode", "encode"];

/**
 * Renders the session's metrics.
 *
 * @param encoder The shared encoder's recent rate (`MediaSession.stats()`).
 * @param viewers The connected viewers.
 * @param telemetry The job's latest telemetry (streamer/telemetry); absent before the first sample.
 * @example
 * ```ts
 * import { renderSessionMetrics } from "./metrics.ts";
 * const delivery = {
 *   paced: true, fps: 12, inFlight: 2, window: 2, rttMs: 0.4, browserMs: 75, latencyMs: 180, skipped: 0,
 *   limit: "decode" as const,
 * };
 * renderSessionMetrics({ fps: 12, kbps: 900 }, [{ id: 1, remote: "127.0.0.1:50000", delivery }])
 *   .includes('selkies_viewer_latency_ms{viewer="1",remote="127.0.0.1:50000"} 180'); // true
 * ```
 */
export function renderSessionMetrics(
  encoder: { fps: number; kbps: number },
  viewers: readonly ViewerSample[],
  telemetry?: TelemetryMessage,
): string {
  const lines: string[] = [];
  const head = (name: string, type: string, help: string) =>
    lines.push(`# HELP selkies_${name} ${help}`, `# TYPE selkies_${name} ${type}`);
  head("encoder_fps", "gauge", "Frames per second the shared (WebSocket) encoder made lately.");
  lines.push(`selkies_encoder_fps ${encoder.fps}`);
  head("encoder_kbps", "gauge", "Media kbit/s of the shared encoder lately.");
  lines.push(`selkies_encoder_kbps ${Math.round(encoder.kbps)}`);
  head("viewers", "gauge", "Connected viewers.");
  lines.push(`selkies_viewers ${viewers.length}`);
  for (const [name, type, help, read] of PER_VIEWER) {
    head(name, type, help);
    for (const viewer of viewers) {
      if (!viewer.delivery) continue;
      lines.push(
        `selkies_${name}{viewer="${viewer.id}",remote="${label(viewer.remote)}"} ${read(viewer.delivery)}`,
      );
    }
  }
  head(
    "viewer_limit",
    "gauge",
    "1 for the stage that limits the viewer's frame rate now (none, network, decode, encode).",
  );
  for (const viewer of viewers) {
    if (!viewer.delivery) continue;
    for (const stage of LIMITS) {
      lines.push(
        `selkies_viewer_limit{viewer="${viewer.id}",remote="${label(viewer.remote)}",stage="${stage}"} ${
          viewer.delivery.limit === stage ? 1 : 0
        }`,
      );
    }
  }
  if (telemetry) lines.push(...telemetryLines(telemetry, head));
  return lines.join("\n") + "\n";
}

/** The job's telemetry as gauges: what the viewers' panel shows, for a site's dashboards and alerts. */
function telemetryLines(
  t: TelemetryMessage,
  head: (name: string, type: string, help: string) => void,
): string[] {
  const lines: string[] = [];
  const gauge = (name: string, help: string, value: number) => {
    head(name, "gauge", help);
    lines.push(`selkies_${name} ${value}`);
  };
  head("job_info", "gauge", "1, labelled with the node and where the CPU and memory figures come from.");
  lines.push(`selkies_job_info{node="${label(t.node)}",source="${t.source}"} 1`);
  gauge("job_cpu_used_cores", "CPU cores the job kept busy over the last sample period.", t.cpu.usedCores);
  gauge("job_cpu_allocated_cores", "CPU cores allocated to the job.", t.cpu.allocatedCores);
  gauge(
    "job_memory_used_bytes",
    "Memory the job uses (cgroup working set, or the session's RSS).",
    t.memory.usedBytes,
  );
  head("job_memory_limit_bytes", "gauge", "The job's memory limit; source: cgroup, slurm (--mem) or node.");
  lines.push(`selkies_job_memory_limit_bytes{source="${t.memory.limitSource}"} ${t.memory.limitBytes}`);
  if (t.memory.oomKills !== undefined) {
    head("job_oom_kills_total", "counter", "Processes of the job the kernel killed for lack of memory.");
    lines.push(`selkies_job_oom_kills_total ${t.memory.oomKills}`);
  }
  const gpus = t.gpus ?? [];
  const perGpu: [string, string, (g: NonNullable<TelemetryMessage["gpus"]>[number]) => number | null][] = [
    [
      "job_gpu_utilization_percent",
      "Percent of time a kernel ran on the job's GPU lately.",
      (g) => g.utilizationPercent,
    ],
    ["job_gpu_memory_used_bytes", "Memory in use on the job's GPU.", (g) => g.memoryUsedBytes],
    ["job_gpu_memory_total_bytes", "Memory of the job's GPU.", (g) => g.memoryTotalBytes],
  ];
  for (const [name, help, read] of gpus.length > 0 ? perGpu : []) {
    head(name, "gauge", help);
    for (const gpu of gpus) {
      const value = read(gpu);
      if (value === null) continue; // the driver has no figure: no sample rather than a false 0
      lines.push(
        `selkies_${name}{gpu="${gpu.index}",uuid="${label(gpu.uuid)}",name="${label(gpu.name)}"} ${value}`,
      );
    }
  }
  return lines;
}

/** Escapes a label value (backslash, double quote, newline). */
function label(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
