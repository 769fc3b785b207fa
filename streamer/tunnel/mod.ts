/**
 * The streamer's dial-out tunnel to the gateway.
 *
 * @example
 * ```ts
 * import { connectTunnel } from "./mod.ts";
 * ```
 *
 * @module
 */
export {
  connectTunnel,
  type ConnectTunnelOptions,
  type TunnelHandle,
  type TunnelReady,
  TunnelRejectedError,
} from "./connect.ts";
export { TunnelStream, type ViewerSocket } from "./viewer.ts";
export { MungeError } from "./_munge.ts";
