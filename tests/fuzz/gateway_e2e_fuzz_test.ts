// End-to-end fuzzing through a real gateway (issue 14, targets 3 and 4 over real sockets): a site gateway on a
// real SLURM + MUNGE test cluster with a real `selkies-hpc stream` registered through its tunnel. Hostile
// viewers (owner and view-only) blast the relay, hostile streamers dial /tunnel with garbage and bogus
// registrations, hostile HTTP requests hit every route; then a legitimate viewer still gets its hello and a
// frame through the gateway, and the gateway's heap (it runs in this process) is read after a collection.
// The second test fuzzes the streamer's own tunnel client (streamer/tunnel/connect.ts) from a gateway that
// sends 100 000 hostile frames down a real tunnel, with the cluster's real MUNGE signing its registration.
import assert from "node:assert/strict";
import { TUNNEL_PATH } from "../../protocol/tunnel.ts";
import { connectTunnel } from "../../streamer/tunnel/connect.ts";
import { attachViewer } from "../../streamer/session/viewer.ts";
import { startGatewaySite, streamThroughGateway } from "../harness/gateway.ts";
import { waitFor } from "../fixtures/async.ts";
import { hostileClientText } from "./_client_text.ts";
import { hostileFrame, validStreamFrame } from "./_frames.ts";
import { mutateBytes, oddString, Rng } from "./_gen.ts";
import { jsonText } from "./_json.ts";
import { hostileRequest } from "./_http.ts";
import { mb, settledMemory } from "./_memory.ts";
import { fakeSession } from "./_ports.ts";
import { assertClean, fuzzConfig, runFuzz } from "./_run.ts";
import { blast, openWebSocket } from "./_wire.ts";

async function cookieFrom(url: string, init?: RequestInit): Promise<string> {
  const response = await fetch(url, { redirect: "manual", ...init });
  await response.body?.cancel();
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  assert.ok(cookie, `${url} set no cookie (${response.status})`);
  return cookie;
}

const upFrame = (rng: Rng) =>
  rng.chance(0.3) ? mutateBytes(rng, validStreamFrame(rng)) : jsonText(rng, [
    {
      t: "register",
      v: 2,
      reg: {
        jobId: "1",
        user: "ada",
        node: "c1",
        sessionId: "x".repeat(22),
        tokenHash: "y".repeat(43),
        capabilities: [],
      },
      key: "k".repeat(43),
      ts: Date.now(),
      cred: "MUNGE:x",
    },
    { t: "ping", n: 1 },
    { t: "close", id: 1, code: 4000, reason: "x" },
  ]);

Deno.test("fuzz end to end: a real gateway and its tunnel take hostile viewers, streamers and requests", async (t) => {
  const { seed, scale } = fuzzConfig();
  const rng = new Rng(seed);
  await using site = await startGatewaySite();
  const gw = site.gateway;
  const origin = gw.url.slice(0, -1);
  const stream = await streamThroughGateway(site.cluster, gw.url, {
    geometry: "640x480",
    fps: 15,
    desktop: "exec gst-launch-1.0 -q videotestsrc pattern=ball ! " +
      "video/x-raw,width=320,height=240,framerate=10/1 ! ximagesink",
  });
  try {
    const page = stream.url.replace(/\?token=.*/, "");
    const wsUrl = `${page.replace(/^http/, "ws")}ws`;
    const owner = await cookieFrom(stream.url);
    const share = await fetch(`${page}share`, { method: "POST", headers: { cookie: owner, origin } });
    const viewOnly = await cookieFrom((await share.json() as { url: string }).url);
    const legit = async () => {
      const viewer = await openWebSocket(wsUrl, { cookie: owner, origin });
      try {
        await waitFor("the hello", () => viewer.texts.some((m) => JSON.parse(m).t === "hello"), {
          timeoutMs: 20_000,
        });
        await waitFor("a video frame", () => viewer.binaries() > 0, { timeoutMs: 30_000 });
      } finally {
        viewer.ws.close();
        await viewer.closed;
      }
    };
    await legit();
    const heap = [(await settledMemory()).heapUsed];

    for (const round of [1, 2]) {
      await t.step(
        `round ${round}: hostile viewers, streamers and requests; a legitimate viewer after`,
        async () => {
          const started = performance.now();
          // Hostile viewers through the relay: two owners, one view-only.
          const perSocket = Math.round(4_000 * scale);
          const sockets = await Promise.all(
            [owner, owner, viewOnly].map((cookie) => openWebSocket(wsUrl, { cookie, origin })),
          );
          const sent = await Promise.all(
            sockets.map((s) =>
              blast(
                s.ws,
                perSocket,
                new Rng(rng.int(2 ** 32)),
                (r) => r.chance(0.2) ? hostileFrame(r) : hostileClientText(r),
              )
            ),
          );
          // The relay ends a viewer that sends a message over MAX_CONTROL_BYTES (1009): the only early end allowed.
          // (Deno's client reports that close as code 0 when it comes while the client is still sending.)
          const cutOff = await Promise.all(
            sockets.map(async (s, i) => sent[i] < perSocket ? await s.closed : 0),
          );
          for (const s of sockets) s.ws.close();
          await Promise.all(sockets.map((s) => s.closed));

          // Hostile streamers: garbage and bogus registrations on /tunnel, reconnecting after each refusal.
          const tunnelFrames = Math.round(1_000 * scale);
          const codes = new Map<number, number>();
          for (let sentFrames = 0; sentFrames < tunnelFrames;) {
            const tunnel = await openWebSocket(`${gw.url.replace(/^http/, "ws")}${TUNNEL_PATH.slice(1)}`);
            sentFrames += await blast(tunnel.ws, 50, rng, upFrame);
            tunnel.ws.close();
            const code = await tunnel.closed;
            codes.set(code, (codes.get(code) ?? 0) + 1);
          }

          // Hostile HTTP requests on every route.
          const surface = {
            base: origin,
            paths: [
              "/",
              "/healthz",
              "/metrics",
              TUNNEL_PATH,
              new URL(page).pathname,
              `${new URL(page).pathname}ws`,
              `${new URL(page).pathname}share`,
              `${new URL(page).pathname}share/x`,
              `${new URL(page).pathname}client.js`,
              "/s/abc/",
              "/api/launch",
              "/api/cancel/1",
            ],
            goodQueries: [`token=${stream.token}`],
            goodHeaders: [{ cookie: owner }, { cookie: viewOnly }],
            peers: ["127.0.0.1"],
          };
          const statuses = new Map<number, number>();
          for (let i = Math.round(1_500 * scale); i > 0; i--) {
            const { request } = hostileRequest(rng, surface);
            const status = await fetch(request, { redirect: "manual" }).then(async (r) => {
              await r.body?.cancel();
              return r.status;
            }, () => 0); // a request head over the server's limits: the connection is dropped
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
          }
          const seconds = (performance.now() - started) / 1000;

          await legit();
          heap.push((await settledMemory()).heapUsed);
          console.log(
            `fuzz e2e gateway, round ${round}: ${sent.reduce((a, b) => a + b, 0)} relayed viewer messages ` +
              `(3 viewers, 1 view-only; sent ${sent}, close codes of those cut off [${cutOff}]), ${tunnelFrames}+ hostile tunnel frames (closes: ${
                [...codes].map(([c, n]) => `${c}: ${n}`).join(", ")
              }), ` +
              `HTTP ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(", ")}; seed ${seed}, ${
                seconds.toFixed(1)
              } s, ` +
              `gateway heap ${mb(heap[round - 1])} -> ${
                mb(heap[round])
              } MB; ${gw.metrics.registrationsRefused} registrations refused`,
          );
          assert.deepEqual(
            cutOff.filter((code) => code !== 0 && code !== 1009),
            [],
            "cut off only when oversized",
          );
          assert.ok(![...statuses.keys()].some((s) => s >= 500), "no request failed with a 5xx");
          assert.ok(gw.registry.list().length === 1, "the real session is still registered");
        },
      );
    }
    assert.ok(
      heap[2] - heap[1] < 32 * 2 ** 20,
      `the gateway's heap grew by ${mb(heap[2] - heap[1])} MB in round 2`,
    );
  } finally {
    await stream.stop();
  }
});

Deno.test("fuzz: the streamer's tunnel client takes 100 000 hostile frames from a gateway, with real MUNGE", async () => {
  await using site = await startGatewaySite();
  await site.gateway.stop(); // only the cluster's munged is needed: this test plays the gateway
  let gatewaySide: WebSocket | undefined;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => {
      if (typeof event.data === "string" && JSON.parse(event.data).t === "register") {
        socket.send(JSON.stringify({ t: "registered", v: 2, sessionUrl: "https://gw/s/x/", iceServers: [] }));
        socket.send(JSON.stringify({ t: "open", id: 1, viewOnly: false }));
        gatewaySide = socket;
      }
    };
    return response;
  });
  const session = fakeSession();
  let probe: Promise<void> | undefined; // the viewer of stream 9, opened after each batch
  const tunnel = connectTunnel({
    gatewayUrl: `http://127.0.0.1:${server.addr.port}`,
    registration: { jobId: "1", user: "ada", node: "c1" },
    token: "fuzz-tunnel-secret",
    mungeSocket: site.cluster.mungeSocket,
    onViewer: (socket, info) => {
      const viewer = attachViewer(socket, { viewOnly: info.viewOnly, remote: "tunnel" }, session.context);
      if ((socket as { id?: number }).id === 9) probe = viewer.closed;
    },
  });
  try {
    await within(tunnel.ready, 30_000, "the tunnel's registration");
    await waitFor("the first viewer stream", () => gatewaySide && session.subscribers() > 0);
    const downSamples = [
      { t: "open", id: 2, viewOnly: true },
      { t: "close", id: 2, code: 4000, reason: "x" },
      { t: "ping", n: 3 },
      { t: "error", message: "no" },
      { t: "registered", v: 2, sessionUrl: "x", iceServers: [] },
      { t: "pong", n: 1 },
    ];
    const report = await runFuzz({
      name: "streamer tunnel client",
      count: 100_000,
      make: (rng) =>
        rng.chance(0.4) ? jsonText(rng, downSamples) : rng.chance(0.5)
          ? validStreamFrame(
            rng,
            rng.between(1, 3),
            rng.chance(0.7) ? hostileClientText(rng) : oddString(rng),
          )
          : rng.chance(0.5)
          ? mutateBytes(rng, validStreamFrame(rng, 1))
          : hostileFrame(rng),
      run(frame) {
        if (gatewaySide?.readyState !== WebSocket.OPEN) throw new Error("the tunnel is down");
        gatewaySide.send(frame);
        if (gatewaySide.bufferedAmount > 1 << 20) return new Promise((resolve) => setTimeout(resolve, 5));
      },
      async afterBatch() {
        // A new viewer stream still gets a viewer, which ends when the gateway closes the stream.
        probe = undefined;

        gatewaySide!.send(JSON.stringify({ t: "open", id: 9, viewOnly: false }));
        await waitFor("a new stream's viewer", () => probe !== undefined, { timeoutMs: 10_000 });
        // The same id opened again (a confused gateway) ends the viewer it replaces instead of orphaning it.
        const replaced = probe!;
        probe = undefined;
        gatewaySide!.send(JSON.stringify({ t: "open", id: 9, viewOnly: false }));
        await waitFor("the reopened stream's viewer", () => probe !== undefined, { timeoutMs: 10_000 });
        await within(replaced, 10_000, "the end of the viewer a reopened id replaced");
        gatewaySide!.send(JSON.stringify({ t: "close", id: 9 }));
        await within(probe!, 10_000, "the end of the closed stream's viewer");
      },
    });
    assertClean(report);
    assert.equal(tunnel.reconnects, 0, "the tunnel never dropped");
  } finally {
    tunnel.close();
    await server.shutdown();
  }
});

/** `promise`, or a rejection naming `what` after `ms` (a fuzz test must fail, not hang). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) =>
    timer = setTimeout(() => reject(new Error(`no ${what} in ${ms} ms`)), ms)
  );
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
