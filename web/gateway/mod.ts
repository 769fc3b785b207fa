/**
 * The login-node gateway: streamers dial out to it, browsers reach their session at
 * `/s/<session>/`, and the gateway relays the WebSocket through the tunnel.
 *
 * @example
 * ```ts
 * import { runGateway } from "./mod.ts";
 * const gw = await runGateway({ mode: "site", auth: { mode: "header", trustedProxies: ["127.0.0.1"] } });
 * ```
 *
 * @module
 */
export { createGateway, type Gateway, type GatewayOptions } from "./app.ts";
export { runGateway, type RunGatewayOptions, type RunningGateway } from "./run.ts";
export {
  AuthConfigError,
  type AuthOptions,
  hashPassword,
  validateAuth,
  verifyPassword,
} from "./middleware/auth/index.ts";
export { iceServersFor, mintTurnCredential, type TurnOptions } from "./turn.ts";
export { GatewayMetrics } from "./metrics.ts";
export { RegistrationRefusedError } from "./verify.ts";
export type { LaunchField, PortalJob, PortalOptions } from "./portal.ts";
export {
  type GatewayConfig,
  GatewayConfigError,
  GatewayConfigSchema,
  gatewayOptionsFrom,
  loadGatewayConfig,
  parseGatewayConfig,
} from "./config.ts";
export { jobsPortal, type JobsPortalOptions } from "./launcher.ts";
export type { RelayBudgets } from "./relay.ts";
