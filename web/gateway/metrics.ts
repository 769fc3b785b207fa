/**
 * The gateway's Prometheus metrics, written by hand in the text exposition format (0.0.4).
 *
 * @module
 */

/** Counters and gauges the gateway keeps. */
export class GatewayMetrics {
  /** Tunnel registrations accepted, including re-registrations. */
  registrations = 0;
  /** Registrations refused. */
  registrationsRefused = 0;
  /** Re-registrations of a session id already seen (streamer reconnects). */
  tunnelReconnects = 0;
  /** Failed browser authentications. */
  authFailures = 0;
  /** Bytes relayed towards browsers. */
  bytesToViewers = 0;
  /** Bytes relayed towards streamers. */
  bytesToStreamers = 0;
  /** Video frames dropped for slow viewers. */
  framesDropped = 0;
  /** Viewer messages refused (view-only input, malformed, oversized). */
  messagesRefused = 0;
  /** Live gauges, read at scrape time. */
  constructor(readonly live: () => { sessions: number; viewers: number; tunnels: number }) {}

  /**
   * Renders every metric in the Prometheus text format.
   *
   * @example
   * ```ts
   * import { GatewayMetrics } from "./metrics.ts";
   * new GatewayMetrics(() => ({ sessions: 1, viewers: 2, tunnels: 1 })).render().includes("selkies_gateway_sessions 1");
   * ```
   */
  render(): string {
    const live = this.live();
    const lines: string[] = [];
    const metric = (name: string, type: "counter" | "gauge", help: string, value: number) => {
      lines.push(`# HELP selkies_gateway_${name} ${help}`, `# TYPE selkies_gateway_${name} ${type}`);
      lines.push(`selkies_gateway_${name} ${value}`);
    };
    metric("sessions", "gauge", "Registered sessions.", live.sessions);
    metric("viewers", "gauge", "Connected viewer WebSockets.", live.viewers);
    metric("tunnels", "gauge", "Open streamer tunnels (registered or not).", live.tunnels);
    metric("registrations_total", "counter", "Accepted tunnel registrations.", this.registrations);
    metric(
      "registrations_refused_total",
      "counter",
      "Refused tunnel registrations.",
      this.registrationsRefused,
    );
    metric(
      "tunnel_reconnects_total",
      "counter",
      "Re-registrations of a known session.",
      this.tunnelReconnects,
    );
    metric("auth_failures_total", "counter", "Failed browser authentications.", this.authFailures);
    metric("relayed_bytes_to_viewers_total", "counter", "Bytes relayed to browsers.", this.bytesToViewers);
    metric(
      "relayed_bytes_to_streamers_total",
      "counter",
      "Bytes relayed to streamers.",
      this.bytesToStreamers,
    );
    metric("frames_dropped_total", "counter", "Video frames dropped for slow viewers.", this.framesDropped);
    metric("messages_refused_total", "counter", "Viewer messages refused.", this.messagesRefused);
    return lines.join("\n") + "\n";
  }
}
