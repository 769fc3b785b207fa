/**
 * Accepts streamer tunnels: verifies each registration (session id against its key, MUNGE, SLURM),
 * refuses a second streamer for a live session, records the session, and answers with its public URL
 * and ICE servers.
 *
 * @module
 */
import { type RegisterMessage, TUNNEL_VERSION, TunnelCloseCode } from "../../protocol/tunnel.ts";
import { fitCloseReason } from "../../protocol/wire_size.ts";
import { getLog } from "../../log.ts";
import type { GatewayMetrics } from "./metrics.ts";
import type { SessionRegistry } from "./registry.ts";
import { iceServersFor, type TurnOptions } from "./turn.ts";
import { GatewayTunnel } from "./tunnel_conn.ts";
import { endForLostStreamer } from "./lost_streamer.ts";
import { jobFacts } from "./slurm.ts";
import { RegistrationRefusedError, type VerifyOptions, verifyRegistration } from "./verify.ts";

const log = getLog("gateway", "tunnel");

/** Options for {@linkcode acceptTunnel}. */
export interface AcceptTunnelOptions {
  registry: SessionRegistry;
  metrics: GatewayMetrics;
  /** How registrations are verified (munge socket, SLURM env, personal-mode UID). */
  verify: VerifyOptions;
  /** TURN settings for minting credentials. */
  turn?: TurnOptions;
  /** Public base URL of the gateway, e.g. `https://gw.example.org/`. */
  publicUrl: string;
  /** Every open tunnel, for shutdown and gauges. */
  tunnels: Set<GatewayTunnel>;
  /** Close a tunnel that has not registered after this long, ms. @default {15000} */
  registerTimeoutMs?: number;
  /** Ping interval, ms. @default {10000} */
  pingMs?: number;
  /** How often a registered session's job is asked again (its end time, for the portal), ms. @default {60000} */
  jobRefreshMs?: number;
  /** How long a vanished streamer may take to come back before its viewers hear why it ended, ms. @default {10000} */
  lostGraceMs?: number;
  /**
   * The session id the tunnel's URL named (`/tunnel?session=<id>`, what a proxy hashes on to pick a gateway):
   * a registration for another id is refused, so a proxy never routes a session's tunnel and its viewers to
   * different gateways.
   */
  routedAs?: string;
}

/**
 * Takes over an accepted tunnel WebSocket.
 *
 * @example
 * ```ts
 * import { acceptTunnel, type AcceptTunnelOptions } from "./tunnel_server.ts";
 * declare const options: AcceptTunnelOptions;
 * Deno.serve((request, info) => {
 *   const { socket, response } = Deno.upgradeWebSocket(request);
 *   acceptTunnel(socket, info.remoteAddr.hostname, options);
 *   return response;
 * });
 * ```
 */
export function acceptTunnel(ws: WebSocket, peer: string, options: AcceptTunnelOptions): GatewayTunnel {
  const { registry, metrics } = options;
  let sessionId: string | undefined, busy = false;
  let jobRefresh: ReturnType<typeof setInterval> | undefined;
  const deadline = setTimeout(() => {
    if (sessionId) return;
    // Still checking (MUNGE or SLURM hangs, e.g. slurmctld down): say so, not "no registration".
    const why = busy
      ? "the gateway could not verify the job in time: SLURM or MUNGE did not answer"
      : "no registration";
    if (busy) log.warn("tunnel from {peer} refused: {why}", { peer, why });
    tunnel.close(TunnelCloseCode.rejected, why);
  }, options.registerTimeoutMs ?? 15_000);

  const refuse = (why: string, code: number = TunnelCloseCode.rejected) => {
    metrics.registrationsRefused++;
    log.warn("tunnel from {peer} refused: {why}", { peer, why });
    tunnel.send({ t: "error", message: why });
    tunnel.close(code, fitCloseReason(why));
  };

  const register = async (msg: RegisterMessage) => {
    if (sessionId || busy) return refuse("already registered", TunnelCloseCode.protocol);
    if (msg.v !== TUNNEL_VERSION) {
      return refuse(
        `tunnel protocol ${msg.v} unsupported (gateway speaks ${TUNNEL_VERSION}): ` +
          "run the same selkies-hpc version on the compute nodes and the gateway",
      );
    }
    const { reg } = msg;
    if (options.routedAs !== undefined && options.routedAs !== reg.sessionId) {
      return refuse(
        `the tunnel's URL names session ${options.routedAs.slice(0, 64)} but it registers ${reg.sessionId}`,
        TunnelCloseCode.protocol,
      );
    }
    busy = true;
    let verified;
    try {
      verified = await verifyRegistration(msg, options.verify);
    } catch (error) {
      return refuse(
        error instanceof RegistrationRefusedError ? error.message : `verification failed: ${error}`,
      );
    } finally {
      busy = false;
    }
    if (!tunnel.open) return;
    const existing = registry.get(reg.sessionId);
    if (existing && existing.tunnel !== tunnel && existing.tunnel.open) {
      const sameJob = existing.uid === verified.uid && existing.reg.jobId === reg.jobId &&
        existing.reg.user === reg.user && existing.reg.tokenHash === reg.tokenHash &&
        existing.reg.node === reg.node;
      // The same job (same UID and secret) may take over only from a tunnel that no longer answers (a
      // half-open connection); nobody else ever takes over a registered id.
      if (!sameJob || await existing.tunnel.probe(2000)) {
        return refuse(
          `session ${reg.sessionId} is already served by a live streamer`,
          TunnelCloseCode.duplicate,
        );
      }
      existing.tunnel.close(TunnelCloseCode.timeout, "replaced by a new tunnel");
    }
    if (!tunnel.open) return;
    sessionId = reg.sessionId;
    clearTimeout(deadline);
    const seen = registry.put({
      reg,
      uid: verified.uid,
      job: verified.job,
      tunnel,
      registeredAt: Date.now(),
    });
    metrics.registrations++;
    if (seen) metrics.tunnelReconnects++;
    // An admin's `scontrol update TimeLimit=...` reaches the portal's time left.
    jobRefresh = setInterval(() => {
      jobFacts(reg.jobId, options.verify.slurmEnv).then((job) => {
        const entry = registry.get(reg.sessionId);
        if (entry?.tunnel === tunnel) entry.job = job;
      }, () => {}); // the next round asks again
    }, options.jobRefreshMs ?? 60_000);
    const sessionUrl = new URL(`s/${reg.sessionId}/`, options.publicUrl).href;
    log.info("session {sessionId} registered: job {jobId} of {user} on {node}", {
      sessionId: reg.sessionId,
      jobId: reg.jobId,
      user: reg.user,
      node: reg.node,
    });
    tunnel.send({
      t: "registered",
      v: TUNNEL_VERSION,
      sessionUrl,
      iceServers: iceServersFor(options.turn, reg.user),
    });
  };

  const tunnel: GatewayTunnel = new GatewayTunnel(ws, {
    pingMs: options.pingMs,
    onRegister: (msg) => {
      register(msg).catch((error) => refuse(`registration failed: ${error}`));
    },
    onProtocolError: (why) => log.warn("tunnel from {peer}: {why}", { peer, why }),
    // A streamer that stops says why itself; for one that vanished, SLURM is asked (lost_streamer.ts).
    lastWords: async (code) => {
      const entry = sessionId ? registry.get(sessionId) : undefined;
      if (!entry || entry.tunnel !== tunnel) return undefined;
      const end = await endForLostStreamer({
        sessionId: entry.reg.sessionId,
        jobId: entry.reg.jobId,
        tunnel,
        code,
        registry,
        slurmEnv: options.verify.slurmEnv,
        graceMs: options.lostGraceMs,
      });
      if (end) log.info("session {sessionId} ended without its streamer: {reason}", { sessionId, ...end });
      return end && JSON.stringify(end);
    },
    onClosed: (code) => {
      clearTimeout(deadline);
      clearInterval(jobRefresh);
      options.tunnels.delete(tunnel);
      if (sessionId) {
        registry.remove(sessionId, tunnel);
        log.info("session {sessionId} tunnel closed ({code})", { sessionId, code });
      }
    },
  });
  options.tunnels.add(tunnel);
  return tunnel;
}
