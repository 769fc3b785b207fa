/**
 * The session's Prometheus metrics (text exposition format 0.0.4): the shared encoder's rate and, per viewer
 * of WebSocket media, what the viewer's acknowledgements say (drawn fps, frames in flight, window, round
 * trip, capture-to-drawn latency, frames skipped, the browser's time per frame and which stage limits), so an overloaded viewer shows up on a dashboard as it does
 * in its own overlay. Served at `<prefix>/metrics` by the embedded server (same credentials as the page).
 *
 * @module
 */
import type { Limit } from "../../protocol/limit.ts";
import type { Delivery } from "../../protocol/protocol.ts";

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
  return lines.join("\n") + "\n";
}

/** Escapes a label value (backslash, double quote, newline). */
function label(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
