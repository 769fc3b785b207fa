/**
 * The gateway's browser-side rules against a real registered session (real munged + SLURM): tokens,
 * cookies, share links, view-only input, origins, session ids, frame sizes, identity modes, rate limits.
 */
import assert from "node:assert/strict";
import { startSlurmCluster } from "./harness/slurm.ts";
import { openSocket, sessionSecret, startSiteGateway, submitSleepJob } from "./harness/gateway.ts";
import { AuthConfigError, createGateway, hashPassword, type RunningGateway } from "../web/gateway/mod.ts";
import { connectTunnel, type TunnelHandle } from "../streamer/tunnel/mod.ts";
import { delay } from "./fixtures/async.ts";

Deno.test("gateway refuses hostile browsers and keeps serving", async (t) => {
  const cluster = await startSlurmCluster();
  let gw: RunningGateway | undefined, tunnel: TunnelHandle | undefined;
  const clientDir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${clientDir}/index.html`, "<!doctype html><title>client</title>");
    const jobId = await submitSleepJob(cluster);
    gw = await startSiteGateway(cluster, { clientDir, shareTtlMs: 3000, rateLimit: { max: 20 } });
    const secret = sessionSecret();
    const received: { viewOnly: boolean; data: string | Uint8Array }[] = [];
    tunnel = connectTunnel({
      gatewayUrl: gw.url,
      mungeSocket: cluster.mungeSocket,
      registration: { jobId, user: "root", node: cluster.nodeName },
      token: secret.token,
      onViewer: (socket, info) => {
        socket.onMessage((data) => received.push({ viewOnly: info.viewOnly, data }));
        socket.send("hi");
      },
    });
    await tunnel.ready;
    const base = `${gw.url}s/${secret.sessionId}/`;
    const origin = gw.url.slice(0, -1);
    const wsUrl = `${base.replace("http", "ws")}ws`;
    const login = async (token: string) => {
      const res = await fetch(`${base}?token=${token}`, { redirect: "manual" });
      await res.body?.cancel();
      return res.status === 303 ? res.headers.get("set-cookie")!.split(";")[0] : `status ${res.status}`;
    };
    const status = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(url, { redirect: "manual", ...init });
      await res.body?.cancel();
      return res.status;
    };
    const owner = await login(secret.token);

    await t.step("the owner's link sets a cookie that opens the page", async () => {
      assert.equal(await status(base, { headers: { cookie: owner } }), 200);
      assert.equal(await status(`${base}nothing.js`, { headers: { cookie: owner } }), 404);
    });

    await t.step("no token, wrong token and a foreign cookie are refused", async () => {
      assert.equal(await status(base), 401);
      assert.equal(await login("wrong"), "status 401");
      assert.equal(await status(base, { headers: { cookie: "selkies_gw=forged" } }), 401);
      const ws = openSocket(wsUrl, { origin });
      await assert.rejects(ws.opened);
      assert.equal(await status(`${gw!.url}s/${sessionSecret().sessionId}/?token=${secret.token}`), 404);
    });

    await t.step("cross-origin WebSockets are refused even with a valid cookie", async () => {
      const ws = openSocket(wsUrl, { origin: "https://evil.example", cookie: owner });
      await assert.rejects(ws.opened);
      const none = openSocket(wsUrl, { cookie: owner });
      await assert.rejects(none.opened);
    });

    await t.step("path traversal in session ids is refused", async () => {
      // (`%2e%2e` and `a/../x` are resolved by the URL parser before they are sent, so they never reach a session.)
      for (const id of ["..%2F..%2Fetc%2Fpasswd", "..%5C..", "abc", "x".repeat(65), "a%00b%00cdefgh"]) {
        const code = await status(`${gw!.url}s/${id}/?token=${secret.token}`);
        assert.ok([400, 404].includes(code), `${id}: ${code}`);
      }
      assert.equal(await status(`${base}..%2F..%2Fdeno.json`, { headers: { cookie: owner } }), 404);
      // Without the trailing slash the id is redirected to: a bad one must not reach the Location header.
      for (const id of ["%00", "a%0d%0aSet-Cookie:%20x=1", "%E2%80%AE"]) {
        assert.equal(await status(`${gw!.url}s/${id}`), 400, id);
      }
      assert.equal(await status(`${gw!.url}s/${secret.sessionId}?token=x`), 308);
    });

    let shareUrl = "", shareId = "";
    let shareViewer: { ws: ReturnType<typeof openSocket>; cookie: string } | undefined;
    await t.step("a view-only share link views but its input is dropped by the gateway", async () => {
      const res = await fetch(`${base}share`, { method: "POST", headers: { cookie: owner, origin } });
      assert.equal(res.status, 200);
      ({ url: shareUrl, id: shareId } = await res.json());
      const viewer = await login(new URL(shareUrl).searchParams.get("token")!);
      assert.match(viewer, /^selkies_gw=/);
      assert.equal(
        await status(`${base}share`, { method: "POST", headers: { cookie: viewer, origin } }),
        403,
      );
      const ws = openSocket(wsUrl, { origin, cookie: viewer });
      await ws.opened;
      assert.equal(await ws.next(), "hi");
      ws.ws.send('{"t":"kd","k":65}');
      ws.ws.send('{"t":"clip","text":"x"}');
      ws.ws.send(new Uint8Array([1, 2]));
      ws.ws.send('{"t":"kf"}');
      await delay(300);
      const fromViewer = received.filter((m) => m.viewOnly).map((m) => m.data);
      assert.deepEqual(fromViewer, ['{"t":"kf"}']);
      assert.ok(gw!.metrics.messagesRefused >= 3);
      shareViewer = { ws, cookie: viewer };
    });

    await t.step("revoking the share link disconnects it and refuses it afterwards", async () => {
      const revoke = await status(`${base}share/${shareId}`, {
        method: "DELETE",
        headers: { cookie: owner, origin },
      });
      assert.equal(revoke, 204);
      assert.equal(await shareViewer!.ws.closed, 4403);
      assert.equal(await login(new URL(shareUrl).searchParams.get("token")!), "status 401");
      assert.equal(await status(base, { headers: { cookie: shareViewer!.cookie } }), 401);
    });

    await t.step("an expired share link is refused", async () => {
      const res = await fetch(`${base}share`, { method: "POST", headers: { cookie: owner, origin } });
      const { url } = await res.json();
      await delay(3100);
      assert.equal(await login(new URL(url).searchParams.get("token")!), "status 401");
    });

    await t.step("oversized browser frames close that viewer only", async () => {
      const ws = openSocket(wsUrl, { origin, cookie: owner });
      await ws.opened;
      await ws.next();
      ws.ws.send("x".repeat(300 * 1024));
      assert.equal(await ws.closed, 1009);
      // The limit is in bytes: 100 000 three-byte characters are 300 000 bytes, though 100 000 UTF-16 units.
      const wide = openSocket(wsUrl, { origin, cookie: owner });
      await wide.opened;
      await wide.next();
      wide.ws.send(JSON.stringify({ t: "clip", text: "€".repeat(100_000) }));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const open = new Promise((r) => timer = setTimeout(() => r("still open after 3 s"), 3000));
      assert.equal(await Promise.race([wide.closed, open]), 1009);
      clearTimeout(timer);
      wide.ws.close();
      assert.ok(!received.some((m) => typeof m.data === "string" && m.data.includes("€")), "not relayed");
      const again = openSocket(wsUrl, { origin, cookie: owner });
      await again.opened;
      assert.equal(await again.next(), "hi");
      again.ws.send("not json at all");
      again.ws.close();
      assert.equal(await fetch(`${gw!.url}healthz`).then((r) => r.text()), "ok\n");
    });

    await t.step("identity modes: another user's session is refused, the owner is let in", async () => {
      const session = gw!.registry.get(secret.sessionId)!;
      const header = createGateway({
        mode: "site",
        clientDir,
        auth: { mode: "header", trustedProxies: ["10.0.0.1"] },
        publicUrl: "https://gw.example/",
      });
      header.registry.put(session);
      const ask = (user: string, from: string) =>
        header.app.request(`/s/${secret.sessionId}/`, { headers: { "x-remote-user": user } }, {
          remoteAddr: { hostname: from },
        });
      assert.equal((await ask("alice", "10.0.0.1")).status, 403);
      assert.equal((await ask("root", "10.0.0.9")).status, 401, "header from an untrusted address ignored");
      assert.equal((await ask("root", "10.0.0.1")).status, 200);
      const alicesToken = await header.app.request(`/s/${secret.sessionId}/?token=${secret.token}`, {
        headers: { "x-remote-user": "alice" },
      }, { remoteAddr: { hostname: "10.0.0.1" } });
      assert.equal(alicesToken.status, 403, "the owner's token does not work for another user");

      assert.throws(
        () => createGateway({ mode: "site", auth: { mode: "basic", users: {} }, publicUrl: "http://x/" }),
        AuthConfigError,
      );
      const basic = createGateway({
        mode: "site",
        clientDir,
        auth: { mode: "basic", users: { root: await hashPassword("pw") } },
        publicUrl: "https://gw.example/",
      });
      basic.registry.put(session);
      const env = { remoteAddr: { hostname: "10.0.0.2" } };
      const auth = (pw: string) => ({ headers: { authorization: `Basic ${btoa(`root:${pw}`)}` } });
      assert.equal((await basic.app.request(`/s/${secret.sessionId}/`, {}, env)).status, 401);
      assert.equal((await basic.app.request(`/s/${secret.sessionId}/`, auth("nope"), env)).status, 401);
      assert.equal((await basic.app.request(`/s/${secret.sessionId}/`, auth("pw"), env)).status, 200);
    });

    await t.step("repeated failures from one address are rate limited", async () => {
      let last = 0;
      for (let i = 0; i < 25 && last !== 429; i++) last = await status(`${base}?token=bad${i}`);
      assert.equal(last, 429);
      const metrics = await fetch(`${gw!.url}metrics`).then((r) => r.text());
      assert.match(metrics, /selkies_gateway_auth_failures_total [1-9]\d*/);
      assert.match(metrics, /selkies_gateway_sessions 1/);
      assert.doesNotMatch(metrics, new RegExp(secret.token));
    });
  } finally {
    tunnel?.close();
    await gw?.stop();
    await cluster.stop();
    await Deno.remove(clientDir, { recursive: true });
  }
});
