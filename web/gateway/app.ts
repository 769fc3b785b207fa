/**
 * The gateway application: tunnel endpoint, session pages and relay, share links, portal,
 * health and metrics, assembled from the gateway's middleware.
 *
 * @module
 */
import { Hono } from "hono";
import { sessionLink } from "../../jobs/session_link.ts";
import { SESSION_ID_PATTERN, TUNNEL_PATH, TunnelCloseCode } from "../../protocol/tunnel.ts";
import { getLog } from "../../log.ts";
import { browserHeaders, checkOrigin, clientFiles } from "../access/mod.ts";
import type { GatewayEnv } from "./_env.ts";
import { GatewayMetrics } from "./metrics.ts";
import { type AuthOptions, identify } from "./middleware/auth/index.ts";
import { clientIp } from "./middleware/client_ip/index.ts";
import { FailureLimiter, type FailureLimiterOptions } from "./middleware/rate_limit/index.ts";
import { sessionAccess } from "./middleware/session_access/index.ts";
import { mountPortal, type PortalOptions } from "./portal.ts";
import { SessionRegistry } from "./registry.ts";
import { SessionViewers } from "./viewers.ts";
import { type RelayBudgets, relayViewer } from "./relay.ts";
import type { TurnOptions } from "./turn.ts";
import { acceptTunnel } from "./tunnel_server.ts";
import type { GatewayTunnel } from "./tunnel_conn.ts";

const log = getLog("gateway");

/** Options for {@linkcode createGateway} (and `runGateway`). */
export interface GatewayOptions {
  /** `site`: a service account relays for every user. `personal`: runs as one user, accepts only that UID. */
  mode: "site" | "personal";
  /** How browsers authenticate. */
  auth: AuthOptions;
  /** Public base URL browsers use, e.g. `https://gw.example.org/` (session links are built on it). */
  publicUrl: string;
  /** Extra origins allowed to open WebSockets (the gateway's own host is always allowed). @default {[]} */
  allowedOrigins?: string[];
  /** munged socket. @default {Deno.env.get("SELKIES_MUNGE_SOCKET")} */
  mungeSocket?: string;
  /** Environment for SLURM clients (`SLURM_CONF`, `PATH`). @default {inherited} */
  slurmEnv?: Record<string, string>;
  /** TURN server and shared secret; without it no ICE servers are handed out. */
  turn?: TurnOptions;
  /** Folder of the browser client. @default {CLIENT_DIR (web/client/bundle.ts)} */
  clientDir?: string;
  /**
   * Addresses of fronting proxies (nginx, Apache) whose `X-Forwarded-For` names the real client, in
   * every auth mode (header auth's `trustedProxies` are trusted for this too). @default {[]}
   */
  trustedProxies?: string[];
  /** Failed-auth limits per client and credential target (session, user name). @default {{ max: 10 }} */
  rateLimit?: FailureLimiterOptions;
  /** Back-pressure budgets of the relay. */
  budgets?: RelayBudgets;
  /** Lifetime of view-only share links, ms. @default {86400000} */
  shareTtlMs?: number;
  /** Portal launch/cancel hooks (personal mode); without them the portal only lists sessions. */
  portal?: PortalOptions;
  /** Tunnel ping interval, ms. @default {10000} */
  pingMs?: number;
}

/** A created gateway. */
export interface Gateway {
  /** The Hono app; serve it with `Deno.serve(app.fetch)` (connection info is used for addresses). */
  app: Hono<GatewayEnv>;
  /** Live sessions, shares and grants. */
  registry: SessionRegistry;
  /** Counters. */
  metrics: GatewayMetrics;
  /** Closes every tunnel with the "restarting" code, so streamers reconnect to the next gateway. */
  shutdown(): void;
}

/**
 * Builds the gateway app.
 *
 * @example
 * ```ts
 * import { createGateway } from "./app.ts";
 * const gateway = createGateway({ mode: "site", auth: { mode: "token" }, publicUrl: "https://gw.example.org/" });
 * Deno.serve({ port: 8080 }, gateway.app.fetch);
 * ```
 */
export function createGateway(options: GatewayOptions): Gateway {
  const registry = new SessionRegistry();
  const tunnels = new Set<GatewayTunnel>();
  const viewers = new SessionViewers();
  const metrics = new GatewayMetrics(() => ({
    sessions: registry.list().length,
    viewers: viewers.count,
    tunnels: tunnels.size,
  }));
  const limiter = new FailureLimiter(options.rateLimit);
  const clientFile = clientFiles({ clientDir: options.clientDir });
  const proxies = [
    ...options.trustedProxies ?? [],
    ...options.auth.mode === "header" ? options.auth.trustedProxies : [],
  ];
  const onFailure = (ip: string, why: string) => {
    metrics.authFailures++;
    log.warn("auth failure from {ip}: {why}", { ip, why });
  };

  const app = new Hono<GatewayEnv>();
  app.onError((error, c) => {
    log.error("request failed: {error}", { error: String(error) });
    return c.text("internal error\n", 500);
  });
  app.use("*", clientIp({ trustedProxies: proxies }), browserHeaders());
  app.get("/healthz", (c) => c.text("ok\n"));
  app.get("/metrics", (c) => c.body(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }));

  app.get(TUNNEL_PATH, (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return c.text("expected a WebSocket\n", 426);
    if (c.req.header("origin")) return c.text("browsers may not open tunnels\n", 403);
    const { socket, response } = Deno.upgradeWebSocket(c.req.raw, { idleTimeout: 0 });
    acceptTunnel(socket, c.get("ip"), {
      registry,
      metrics,
      tunnels,
      turn: options.turn,
      publicUrl: options.publicUrl,
      pingMs: options.pingMs,
      routedAs: c.req.query("session"),
      verify: {
        mungeSocket: options.mungeSocket ?? Deno.env.get("SELKIES_MUNGE_SOCKET"),
        slurmEnv: options.slurmEnv,
        onlyUid: options.mode === "personal" ? Deno.uid() ?? undefined : undefined,
      },
    });
    return response;
  });

  // Failures are limited where a credential is examined (identify, sessionAccess), per client and target:
  // a request with valid credentials is never refused because of someone else's failures.
  app.use(
    "*",
    // Only browsers open viewer sockets here (streamers come in through the tunnel above).
    checkOrigin<GatewayEnv>({
      allowed: options.allowedOrigins,
      browserWebSocketsOnly: true,
      onRefused: (c) => onFailure(c.get("ip"), "cross-origin"),
    }),
  );
  app.use("*", identify(options.auth, { limiter, onFailure }));
  app.get("/s/:session", (c) => {
    // The id goes into a Location header: only a well-formed one (`/s/%00` once made the header invalid: 500).
    const id = c.req.param("session");
    if (!SESSION_ID_PATTERN.test(id)) return c.text("invalid session id\n", 400);
    return c.redirect(`${id}/${new URL(c.req.url).search}`, 308);
  });
  app.use(
    "/s/:session/*",
    sessionAccess({ registry, requireUser: options.auth.mode !== "token", limiter, onFailure }),
  );

  app.get("/s/:session/ws", (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return c.text("expected a WebSocket\n", 426);
    const entry = c.get("session")!, access = c.get("access")!;
    const { socket, response } = Deno.upgradeWebSocket(c.req.raw);
    const record = { shareId: access.shareId, kick: (_why: string) => {} };
    const leave = viewers.add(entry.reg.sessionId, record);
    record.kick = relayViewer(socket, {
      tunnel: entry.tunnel,
      viewOnly: access.viewOnly,
      user: access.user,
      metrics,
      ...options.budgets,
      onEnd: leave,
    });
    return response;
  });
  app.post("/s/:session/share", (c) => {
    const entry = c.get("session")!;
    if (c.get("access")!.viewOnly) return c.text("view-only viewers cannot share\n", 403);
    const { share, token } = registry.createShare(entry.reg.sessionId, options.shareTtlMs ?? 86_400_000);
    const url = sessionLink(new URL(`s/${entry.reg.sessionId}/`, options.publicUrl).href, token);
    log.info("share link {id} created for session {sessionId}", {
      id: share.id,
      sessionId: entry.reg.sessionId,
    });
    return c.json({ id: share.id, url, expires: share.expires });
  });
  app.delete("/s/:session/share/:id", (c) => {
    const entry = c.get("session")!;
    if (c.get("access")!.viewOnly) return c.text("view-only viewers cannot revoke\n", 403);
    const id = c.req.param("id");
    if (!registry.revokeShare(entry.reg.sessionId, id)) return c.text("no such share link\n", 404);
    for (const viewer of viewers.of(entry.reg.sessionId)) {
      if (viewer.shareId === id) viewer.kick("share link revoked");
    }
    log.info("share link {id} revoked", { id });
    return c.body(null, 204);
  });
  app.get("/s/:session/", async (c) => await clientFile("") ?? c.notFound());
  app.get("/s/:session/:file", async (c) => await clientFile(c.req.param("file")) ?? c.notFound());
  mountPortal(app, { registry, mode: options.mode, ...options.portal });

  return {
    app,
    registry,
    metrics,
    shutdown() {
      for (const tunnel of [...tunnels]) tunnel.close(TunnelCloseCode.restarting, "gateway restarting");
    },
  };
}
