/**
 * The tunnel end to end against a real munged and SLURM: registration, relaying, restart, and the
 * registrations the gateway must refuse.
 */
import assert from "node:assert/strict";
import { startSlurmCluster } from "./harness/slurm.ts";
import {
  openSocket,
  sessionSecret,
  startSiteGateway,
  submitSleepJob,
  waitJobState,
} from "./harness/gateway.ts";
import type { RunningGateway } from "../web/gateway/mod.ts";
import { delay } from "./fixtures/async.ts";
import { runCommand } from "../exec.ts";
import { connectTunnel, TunnelRejectedError, type ViewerSocket } from "../streamer/tunnel/mod.ts";
import { registrationPayload, TUNNEL_VERSION, TunnelCloseCode } from "../protocol/tunnel.ts";

const echo = (socket: ViewerSocket) => socket.onMessage((m) => socket.send(m));

async function mungeCred(payload: string, socket: string): Promise<string> {
  return (await runCommand("munge", ["--socket", socket], { stdin: payload })).stdout.trim();
}

Deno.test("gateway tunnel with real munged and SLURM", async (t) => {
  const cluster = await startSlurmCluster();
  const stops: (() => unknown)[] = [];
  let gw: RunningGateway | undefined;
  const start = async (port = 0) => {
    gw = await startSiteGateway(cluster, { port, pingMs: 500 });
    return gw;
  };
  try {
    const jobId = await submitSleepJob(cluster);
    await start();
    const secret = sessionSecret();
    const reg = { jobId, user: "root", node: cluster.nodeName };
    const viewers: { viewOnly: boolean }[] = [];
    const tunnel = connectTunnel({
      gatewayUrl: gw!.url,
      registration: reg,
      token: secret.token,
      mungeSocket: cluster.mungeSocket,
      onViewer: (socket, info) => {
        viewers.push(info);
        echo(socket);
        socket.send("hello from streamer");
      },
    });
    stops.push(() => tunnel.close());
    const ready = await tunnel.ready;
    assert.equal(ready.sessionUrl, `${gw!.url}s/${secret.sessionId}/`);

    const login = async () => {
      const res = await fetch(`${gw!.url}s/${secret.sessionId}/?token=${secret.token}`, {
        redirect: "manual",
      });
      await res.body?.cancel();
      assert.equal(res.status, 303);
      const cookie = res.headers.get("set-cookie")!;
      assert.match(cookie, /HttpOnly; SameSite=Strict/);
      assert.equal(res.headers.get("location"), "./");
      return cookie.split(";")[0];
    };
    const viewer = (cookie: string) =>
      openSocket(`${gw!.url.replace("http", "ws")}s/${secret.sessionId}/ws`, {
        origin: gw!.url.slice(0, -1),
        cookie,
      });

    await t.step("a browser WebSocket reaches onViewer and data flows both ways", async () => {
      const v = viewer(await login());
      await v.opened;
      assert.equal(await v.next(), "hello from streamer");
      v.ws.send('{"t":"kd","k":65}');
      assert.equal(await v.next(), '{"t":"kd","k":65}');
      v.ws.send(new Uint8Array([1, 2, 3, 250]));
      assert.deepEqual(await v.next(), new Uint8Array([1, 2, 3, 250]));
      assert.deepEqual(viewers[0], { viewOnly: false, user: undefined });
      v.ws.close();
      await v.closed;
    });

    await t.step("after a gateway restart the tunnel re-registers within 5 s", async () => {
      const port = gw!.port;
      const v = viewer(await login());
      await v.opened;
      await v.next();
      await gw!.stop();
      const t0 = performance.now();
      assert.equal(await v.closed, 1012);
      await start(port);
      for (let i = 0; i < 100 && !gw!.registry.get(secret.sessionId); i++) {
        await delay(50);
      }
      const took = performance.now() - t0;
      assert.ok(gw!.registry.get(secret.sessionId), "session registered again");
      assert.ok(took < 5000, `re-registered in ${took} ms`);
      console.log(`re-registration after restart: ${took.toFixed(0)} ms`);
      const again = viewer(await login());
      await again.opened;
      assert.equal(await again.next(), "hello from streamer");
      again.ws.close();
      assert.ok(tunnel.reconnects >= 1);
    });

    await t.step("a second streamer claiming a live session is refused", async () => {
      const before = gw!.registry.get(secret.sessionId)!.tunnel;
      const refusedBefore = gw!.metrics.registrationsRefused;
      const other = connectTunnel({
        gatewayUrl: gw!.url,
        registration: reg,
        token: secret.token,
        mungeSocket: cluster.mungeSocket,
        onViewer: echo,
      });
      stops.push(() => other.close());
      await delay(3500);
      // The live tunnel answers pings, so the newcomer never becomes the registered one.
      assert.equal(gw!.registry.get(secret.sessionId)!.tunnel, before);
      assert.ok(gw!.metrics.registrationsRefused > refusedBefore);
      other.close();
    });

    const refused = async (registration: typeof reg, why: RegExp) => {
      const handle = connectTunnel({
        gatewayUrl: gw!.url,
        registration,
        token: sessionSecret().token,
        mungeSocket: cluster.mungeSocket,
        onViewer: echo,
      });
      stops.push(() => handle.close());
      await assert.rejects(
        handle.ready,
        (e: Error) => e instanceof TunnelRejectedError && why.test(e.message),
      );
    };

    await t.step("a job that is not RUNNING is refused", async () => {
      const done = await submitSleepJob(cluster);
      await new Deno.Command("scancel", { args: [done], env: cluster.env }).output();
      await waitJobState(cluster, done, "CANCELLED");
      await refused({ ...reg, jobId: done }, /not RUNNING/);
    });

    await t.step("another user's job is refused", async () => {
      const theirs = await submitSleepJob(cluster, { asUser: "nobody" });
      await refused({ ...reg, jobId: theirs }, /does not belong/);
      await refused({ ...reg, jobId: theirs, user: "nobody" }, /does not belong/);
    });

    await t.step("a node outside the allocation is refused", async () => {
      await refused({ ...reg, node: "elsewhere" }, /not in job/);
    });

    await t.step("forged and replayed MUNGE credentials are refused", async () => {
      const url = `${gw!.url.replace("http", "ws")}tunnel`;
      const { sessionId, tokenHash, registrationKey: key } = sessionSecret();
      const fresh = { ...reg, sessionId, tokenHash, capabilities: [] };
      const ts = Date.now();
      const cred = await mungeCred(registrationPayload(fresh, ts), cluster.mungeSocket);
      const send = async (message: unknown) => {
        const s = openSocket(url);
        await s.opened;
        s.ws.send(JSON.stringify(message));
        return s;
      };
      const forged = await send({
        t: "register",
        v: TUNNEL_VERSION,
        reg: fresh,
        key,
        ts,
        cred: "MUNGE:AwQFAAAforged:",
      });
      assert.match(String(await forged.next()), /MUNGE/);
      assert.equal(await forged.closed, TunnelCloseCode.rejected);
      const tampered = await send({
        t: "register",
        v: TUNNEL_VERSION,
        reg: { ...fresh, node: "x" },
        key,
        ts,
        cred,
      });
      assert.match(String(await tampered.next()), /payload does not match/);
      await tampered.closed;
      const replay = await send({ t: "register", v: TUNNEL_VERSION, reg: fresh, key, ts, cred });
      assert.match(String(await replay.next()), /MUNGE.*[Rr]eplay/);
      await replay.closed;
      assert.equal(gw!.registry.get(fresh.sessionId), undefined);
    });

    await t.step("a tunnel whose URL names another session than it registers is refused", async () => {
      // A proxy hashes on the URL's session to pick a gateway: a mismatch would split a session's tunnel
      // from its viewers.
      const { sessionId, tokenHash, registrationKey: key } = sessionSecret();
      const fresh = { ...reg, sessionId, tokenHash, capabilities: [] };
      const ts = Date.now();
      const cred = await mungeCred(registrationPayload(fresh, ts), cluster.mungeSocket);
      const s = openSocket(`${gw!.url.replace("http", "ws")}tunnel?session=someone-elses-session`);
      await s.opened;
      s.ws.send(JSON.stringify({ t: "register", v: TUNNEL_VERSION, reg: fresh, key, ts, cred }));
      assert.match(String(await s.next()), /names session someone-elses-session but it registers/);
      assert.equal(await s.closed, TunnelCloseCode.protocol);
      assert.equal(gw!.registry.get(fresh.sessionId), undefined);
    });

    await t.step("malformed and oversized tunnel frames close only that tunnel", async () => {
      const url = `${gw!.url.replace("http", "ws")}tunnel`;
      for (const frame of ["{not json", new Uint8Array([7, 0]), "x".repeat(70_000)]) {
        const s = openSocket(url);
        await s.opened;
        s.ws.send(frame);
        assert.equal(await s.closed, TunnelCloseCode.protocol);
      }
      const browser = openSocket(url, { origin: "http://evil.example" });
      await assert.rejects(browser.opened);
      assert.equal((await fetch(`${gw!.url}healthz`)).status, 200);
      assert.ok(gw!.registry.get(secret.sessionId)?.tunnel.open);
    });
  } finally {
    for (const stop of stops) stop();
    await gw?.stop();
    await cluster.stop();
  }
});
