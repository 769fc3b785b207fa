/**
 * Relays one browser WebSocket through a tunnel stream, with the gateway's rules applied on the way:
 * size limits, view-only filtering (input refused here, not merely hidden in the page), and
 * back-pressure (video dropped to the next keyframe for a slow browser, never unbounded buffering).
 *
 * @module
 */
import {
  binaryFrameCategory,
  exceedsBytes,
  fitCloseReason,
  MAX_CONTROL_BYTES,
  parseClientMessage,
  viewOnlyMaySend,
  wireBytes,
} from "../../protocol/protocol.ts";
import { BUFFER_BUDGETS } from "../../protocol/budgets.ts";
import { KeyframeGate } from "../../protocol/keyframe_gate.ts";
import { getLog } from "../../log.ts";
import type { GatewayMetrics } from "./metrics.ts";
import type { GatewayTunnel } from "./tunnel_conn.ts";

const log = getLog("gateway", "relay");

/** Budgets that keep a slow viewer from growing the gateway's memory (defaults: protocol/budgets.ts). */
export interface RelayBudgets {
  /** Browser bytes queued above which video is dropped to the next keyframe. @default {BUFFER_BUDGETS.relaySoft} */
  streamSoftBytes?: number;
  /** Browser bytes queued above which the viewer is disconnected. @default {BUFFER_BUDGETS.relayHard} */
  streamHardBytes?: number;
  /** Bytes queued to all viewers of one tunnel above which video is dropped. @default {BUFFER_BUDGETS.relayTunnelSoft} */
  tunnelSoftBytes?: number;
}

/** Options for {@linkcode relayViewer}. */
export interface RelayOptions extends RelayBudgets {
  /** The session's tunnel. */
  tunnel: GatewayTunnel;
  /** Whether the viewer came through a view-only link. */
  viewOnly: boolean;
  /** Signed-in user name, when known. */
  user?: string;
  /** Counters to update. */
  metrics: GatewayMetrics;
  /** Called once when the viewer is gone. */
  onEnd?: () => void;
}

const KF_REQUEST = JSON.stringify({ t: "kf" });

/**
 * Connects an accepted browser WebSocket to a new stream on `options.tunnel`; returns a function
 * that disconnects the viewer (used when its share link is revoked).
 *
 * @example
 * ```ts
 * import { relayViewer } from "./relay.ts";
 * import type { GatewayMetrics } from "./metrics.ts";
 * import type { GatewayTunnel } from "./tunnel_conn.ts";
 * declare const tunnel: GatewayTunnel, metrics: GatewayMetrics;
 * Deno.serve((request) => {
 *   const { socket, response } = Deno.upgradeWebSocket(request);
 *   relayViewer(socket, { tunnel, viewOnly: false, metrics });
 *   return response;
 * });
 * ```
 */
export function relayViewer(browser: WebSocket, options: RelayOptions): (reason: string) => void {
  const { tunnel, metrics } = options;
  const soft = options.streamSoftBytes ?? BUFFER_BUDGETS.relaySoft;
  const hard = options.streamHardBytes ?? BUFFER_BUDGETS.relayHard;
  const tunnelSoft = options.tunnelSoftBytes ?? BUFFER_BUDGETS.relayTunnelSoft;
  const gate = new KeyframeGate();
  browser.binaryType = "arraybuffer";
  let id = 0, ended = false;

  const end = (code: number, reason: string, fromStreamer: boolean) => {
    if (ended) return;
    ended = true;
    if (!fromStreamer && id) tunnel.closeStream(id, code, reason);
    if (browser.readyState <= WebSocket.OPEN) {
      // A streamer's `close` allows 123 characters, a close frame 123 UTF-8 bytes (close() throws beyond).
      browser.close(code, reason === undefined ? undefined : fitCloseReason(reason));
    }
    options.onEnd?.();
  };

  const sink = {
    deliver(data: string | Uint8Array) {
      if (ended || browser.readyState !== WebSocket.OPEN) return;
      const queued = browser.bufferedAmount;
      if (queued > hard) return end(1013, "viewer too slow", false);
      const decision = gate.admit(data, queued > soft || tunnel.viewerBufferedAmount > tunnelSoft);
      if (decision.requestKeyframe) tunnel.sendData(id, KF_REQUEST);
      if (!decision.send) {
        metrics.framesDropped++;
        return;
      }
      metrics.bytesToViewers += wireBytes(data);
      browser.send(data);
    },
    end: (code?: number, reason?: string) => end(closeCode(code), reason ?? "", true),
    get bufferedAmount() {
      return browser.bufferedAmount;
    },
  };

  const refuse = (why: string) => {
    metrics.messagesRefused++;
    log.debug("viewer message refused: {why}", { why });
  };

  browser.onopen = () => {
    id = tunnel.openStream(sink, { viewOnly: options.viewOnly, user: options.user });
  };
  browser.onmessage = (event) => {
    if (ended || !id) return;
    const data = typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer);
    // In bytes as the frame carried them (UTF-8 for text), not UTF-16 units.
    if (exceedsBytes(data, MAX_CONTROL_BYTES)) {
      refuse("oversized");
      return end(1009, "message too big", false);
    }
    if (options.viewOnly) {
      const msg = typeof data === "string" ? parseClientMessage(data) : undefined;
      // The rule the streamer applies too (protocol.ts): its own stream and WebRTC signalling, no input, no
      // files, microphone or clipboard image (a viewer's binary frames, binaryFrameCategory: none `viewer`).
      if (!msg || !viewOnlyMaySend(msg.t)) {
        return refuse(
          typeof data === "string"
            ? "view-only viewer sent input"
            : `view-only viewer sent a binary frame (${binaryFrameCategory(data) ?? "unknown"})`,
        );
      }
    }
    metrics.bytesToStreamers += wireBytes(data);
    tunnel.sendData(id, data);
  };
  browser.onerror = () => {};
  browser.onclose = (event) => end(closeCode(event.code), "viewer left", false);
  return (reason) => end(4403, reason, false);
}

/** Maps a close code to one a server may send on to a browser (1005/1006/1015 are reserved). */
function closeCode(code: number | undefined): number {
  if (code === undefined || code === 1005 || code === 1006 || code === 1015) return 1000;
  return code;
}
