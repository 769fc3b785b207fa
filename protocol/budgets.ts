/**
 * Byte budgets of every media sender, in one place. They are the last line of defence: a viewer that
 * acknowledges its frames is paced long before any of them fills (see pacing.ts); these bound memory for
 * viewers that do not (older clients, tools) and for paths whose queue the pacer cannot see (the tunnel
 * shared by every viewer of a session, the gateway's socket to each browser).
 *
 * @module
 */

const MiB = 1024 * 1024;

/**
 * Bytes queued above which a sender drops video to the next keyframe (soft) or closes the viewer (hard).
 *
 * @example
 * ```ts
 * import { BUFFER_BUDGETS } from "./budgets.ts";
 * const congested = (queued: number) => queued > BUFFER_BUDGETS.viewerSoft;
 * congested(5 * 1024 * 1024); // true
 * ```
 */
export const BUFFER_BUDGETS = {
  /** Streamer: bytes queued on one viewer's WebSocket before its video skips to the next keyframe. */
  viewerSoft: 4 * MiB,
  /** Streamer: bytes queued on the tunnel (all viewers) before video skips to the next keyframe. */
  tunnelSoft: 8 * MiB,
  /** Streamer: bytes queued on the tunnel before a viewer stream is closed rather than buffered further. */
  tunnelHard: 64 * MiB,
  /** Gateway: bytes queued to one browser before its video skips to the next keyframe. */
  relaySoft: 2 * MiB,
  /** Gateway: bytes queued to one browser before it is disconnected (1013). */
  relayHard: 32 * MiB,
  /** Gateway: bytes queued to all viewers of one tunnel before video skips to the next keyframe. */
  relayTunnelSoft: 16 * MiB,
} as const;
