/** The Hono environment of the gateway's routes: connection info in, request facts out. */
import type { Access, SessionEntry } from "./registry.ts";

/** Hono `Env` of the gateway app. */
export interface GatewayEnv {
  Bindings: { remoteAddr?: { hostname?: string } };
  Variables: {
    /** Client address (the proxy's `X-Forwarded-For` when the proxy is trusted). */
    ip: string;
    /** Signed-in user from a trusted header or HTTP basic; unset in token mode. */
    user?: string;
    /** The session addressed by `/s/<id>/`. */
    session?: SessionEntry;
    /** What the browser may do in that session. */
    access?: Access;
  };
}
