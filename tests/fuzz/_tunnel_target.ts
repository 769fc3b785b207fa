// The tunnel's fuzz inputs (a streamer's control messages and stream frames) and the gateway-side target
// (web/gateway/tunnel_server.ts + tunnel_conn.ts, each viewer stream relayed to a browser socket by
// relay.ts), for tunnel_fuzz_test.ts, which runs the target in 2 Web Workers.
import assert from "node:assert/strict";
import { TunnelUpSchema } from "../../protocol/tunnel.ts";
import { sessionKeys } from "../../protocol/session_id.ts";
import { GatewayMetrics } from "../../web/gateway/metrics.ts";
import { relayViewer } from "../../web/gateway/relay.ts";
import { SessionRegistry } from "../../web/gateway/registry.ts";
import type { GatewayTunnel } from "../../web/gateway/tunnel_conn.ts";
import { acceptTunnel } from "../../web/gateway/tunnel_server.ts";
import { mutateBytes, oddNumber, oddString, randomBytes, type Rng } from "./_gen.ts";
import { jsonText } from "./_json.ts";
import { validStreamFrame } from "./_frames.ts";
import { messageCorpus } from "./_schema.ts";
import { MemorySocket } from "./_sockets.ts";
import type { FuzzReport } from "./_run.ts";
import type { FuzzSetup } from "./_shards.ts";

const keys = sessionKeys("fuzz-session-secret");
/** Values the registration's patterns accept, and some they refuse. */
const upCorpus = messageCorpus(TunnelUpSchema, {
  jobId: (rng) => rng.pick(["42", "1_2", "123456789012", "0", "x", ""]),
  user: (rng) => rng.pick(["ada", "root", "a$", "_x", "Ada.B-1", oddString(rng)]),
  node: (rng) => rng.pick(["c1", "node-01.example", "-bad", oddString(rng)]),
  sessionId: (rng) => rng.chance(0.8) ? keys.sessionId : oddString(rng),
  tokenHash: (rng) => rng.chance(0.8) ? keys.tokenHash : "x".repeat(rng.int(50)),
  key: (rng) => rng.chance(0.8) ? keys.registrationKey : oddString(rng),
  ts: (rng) => rng.chance(0.9) ? rng.int(2 ** 40) : Date.now(), // a fresh one runs unmunge (rarely)
  cred: (rng) => rng.pick(["MUNGE:AwQ:", "x", oddString(rng)]),
  id: (rng) => rng.pick([1, 2, 3, rng.between(1, 8), oddNumber(rng)]),
  n: (rng) => oddNumber(rng),
});
/** Valid messages of the gateway's side, to mutate. */
export const downSamples = [
  { t: "registered", v: 2, sessionUrl: "https://gw/s/x/", iceServers: [{ urls: "stun:x" }] },
  { t: "open", id: 1, viewOnly: false, user: "ada" },
  { t: "close", id: 1, code: 4000, reason: "bye" },
  { t: "error", message: "no" },
  { t: "ping", n: 1 },
  { t: "pong", n: 1 },
];

/**
 * A streamer's control message: valid, at a boundary, or mutated.
 *
 * @example
 * ```ts
 * import { upText } from "./_tunnel_target.ts";
 * import { Rng } from "./_gen.ts";
 * typeof upText(new Rng(1)); // "string"
 * ```
 */
export function upText(rng: Rng): string {
  return rng.chance(0.3)
    ? JSON.stringify(upCorpus.valid(rng))
    : rng.chance(0.2)
    ? JSON.stringify(upCorpus.boundary(rng))
    : jsonText(rng, [upCorpus.valid(rng), upCorpus.valid(rng)]);
}

/**
 * A stream data frame: valid, mutated, or random bytes.
 *
 * @example
 * ```ts
 * import { dataFrame } from "./_tunnel_target.ts";
 * import { Rng } from "./_gen.ts";
 * dataFrame(new Rng(1)) instanceof Uint8Array; // true
 * ```
 */
export function dataFrame(rng: Rng): Uint8Array {
  const frame = validStreamFrame(rng, rng.between(1, 4), rng.chance(0.3) ? oddString(rng) : undefined);
  return rng.chance(0.6) ? frame : rng.chance(0.5) ? mutateBytes(rng, frame) : randomBytes(rng, 64);
}

/**
 * The gateway's side of tunnels: `acceptTunnel` + `GatewayTunnel` with 3 relayed viewers each, a new tunnel
 * whenever the fuzzed one closed.
 *
 * @example
 * ```ts
 * import { gatewayTunnelTarget } from "./_tunnel_target.ts";
 * import { runFuzz } from "./_run.ts";
 * const { target, check, dispose } = gatewayTunnelTarget();
 * try { check(await runFuzz(target)); } finally { dispose(); }
 * ```
 */
export function gatewayTunnelTarget(): FuzzSetup<string | Uint8Array> & {
  check(report: FuzzReport): void;
  dispose(): void;
} {
  const registry = new SessionRegistry();
  const tunnels = new Set<GatewayTunnel>();
  const metrics = new GatewayMetrics(() => ({ sessions: 0, viewers: 0, tunnels: tunnels.size }));
  const options = {
    registry,
    metrics,
    tunnels,
    publicUrl: "https://gw.example.org/",
    verify: { mungeSocket: "/nonexistent/munge.socket", slurmEnv: { PATH: "/nonexistent" } },
    registerTimeoutMs: 3_600_000,
    pingMs: 3_600_000,
  };
  let streamer: MemorySocket, tunnel: GatewayTunnel;
  let browsers: { socket: MemorySocket; ended: boolean }[] = [];
  let tunnelsMade = 0, streamsEnded = 0;
  const connect = () => {
    streamer = new MemorySocket();
    tunnel = acceptTunnel(streamer.asWebSocket(), "fuzz", options);
    tunnelsMade++;
    // Three viewers relayed through it (stream ids 1-3), one of them view-only.
    browsers = [false, false, true].map((viewOnly) => {
      const browser = { socket: new MemorySocket(), ended: false };
      relayViewer(browser.socket.asWebSocket(), {
        tunnel,
        viewOnly,
        metrics,
        onEnd: () => (browser.ended = true, streamsEnded++),
      });
      browser.socket.open();
      return browser;
    });
  };
  // A stream the relay has ended (by the streamer's `close`, or with its tunnel) must not leave its browser's
  // socket open: the browser would wait forever on a dead stream.
  const leftOpen: string[] = [];
  connect();
  return {
    target: {
      name: "gateway tunnel frames",
      count: 100_000,
      make: (rng) => rng.chance(0.5) ? dataFrame(rng) : upText(rng),
      run(frame: string | Uint8Array) {
        if (streamer.readyState !== WebSocket.OPEN) connect();
        streamer.receive(frame);
        for (const [i, b] of browsers.entries()) {
          if (b.ended && b.socket.readyState === WebSocket.OPEN && leftOpen.length < 5) {
            leftOpen.push(
              `browser ${i} left open by ${typeof frame === "string" ? frame.slice(0, 200) : "bytes"}`,
            );
          }
        }
      },
      async afterBatch() {
        await new Promise((resolve) => setTimeout(resolve, 50)); // registrations being verified finish
        // A fresh tunnel still answers pings and routes a viewer's data to it.
        streamer.close(1000);
        connect();
        streamer.receive('{"t":"ping","n":7}');
        assert.deepEqual(JSON.parse(streamer.sent.at(-1) as string), { t: "pong", n: 7 });
        streamer.receive(validStreamFrame({ chance: () => false } as unknown as Rng, 1, '{"t":"hello"}'));
        assert.equal(browsers[0].socket.sent.at(-1), '{"t":"hello"}', "a viewer's data reaches its browser");
        assert.equal(tunnels.size, 1, "closed tunnels are forgotten");
      },
    },
    check() {
      assert.deepEqual(leftOpen, []);
      console.log(`gateway tunnel: ${tunnelsMade} tunnels, ${streamsEnded} viewer streams ended`);
      assert.ok(metrics.registrationsRefused > 0, "registrations were tried and refused");
    },
    dispose: () => streamer.close(1000),
  };
}
