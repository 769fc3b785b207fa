/**
 * The gateway's failure limiter against a real registered session (real munged + SLURM) over real HTTP: a
 * stranger's bad tokens must not lock anyone out. Behind a fronting proxy every browser arrives from the
 * proxy's address, so failures count per credential target and per real client (`X-Forwarded-For`, believed
 * only from configured proxies), and a request carrying valid credentials is never refused.
 */
import assert from "node:assert/strict";
import { startSlurmCluster } from "./harness/slurm.ts";
import { openSocket, sessionSecret, startSiteGateway, submitSleepJob } from "./harness/gateway.ts";
import { hashPassword, type RunGatewayOptions, type RunningGateway } from "../web/gateway/mod.ts";
import { connectTunnel, type TunnelHandle } from "../streamer/tunnel/mod.ts";

Deno.test("bad tokens from one address lock nobody out of a session", async (t) => {
  const cluster = await startSlurmCluster();
  const gateways: RunningGateway[] = [];
  const tunnels: TunnelHandle[] = [];
  const clientDir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${clientDir}/index.html`, "<!doctype html><title>client</title>");
    const jobId = await submitSleepJob(cluster);
    const secret = sessionSecret();
    /** A gateway with this session registered on it. */
    const gateway = async (extra: Partial<RunGatewayOptions>) => {
      const gw = await startSiteGateway(cluster, { clientDir, ...extra });
      gateways.push(gw);
      const tunnel = connectTunnel({
        gatewayUrl: gw.url,
        registration: { jobId, user: "root", node: cluster.nodeName },
        token: secret.token,
        mungeSocket: cluster.mungeSocket,
        onViewer: (socket) => socket.send("hi"),
      });
      tunnels.push(tunnel);
      await tunnel.ready;
      const base = `${gw.url}s/${secret.sessionId}/`;
      const get = async (url: string, headers: Record<string, string> = {}) => {
        const res = await fetch(url, { redirect: "manual", headers });
        await res.body?.cancel();
        return res;
      };
      return {
        gw,
        base,
        /** Status of a `?token=` exchange (from the client named in `X-Forwarded-For`, if any). */
        login: async (token: string, from?: string) =>
          (await get(`${base}?token=${token}`, from ? { "x-forwarded-for": from } : {})).status,
        cookie: async () =>
          (await get(`${base}?token=${secret.token}`)).headers.get("set-cookie")!.split(";")[0],
        page: async (cookie: string) => (await get(base, { cookie })).status,
      };
    };

    await t.step("ten bad tokens, then a valid token and a valid cookie still get in", async () => {
      // No trusted proxy: every browser shares one address, as behind a proxy the gateway does not trust.
      const shared = await gateway({});
      const cookie = await shared.cookie();
      for (let i = 0; i < 10; i++) assert.equal(await shared.login(`bad${i}`), 401);
      // The stranger's further guesses are refused...
      assert.equal(await shared.login("bad10"), 429);
      // ...but a forged X-Forwarded-For from an untrusted peer does not make a new client of it.
      assert.equal(await shared.login("bad11", "198.51.100.7"), 429);
      // Valid credentials from the same address always pass.
      assert.equal(await shared.login(secret.token), 303);
      assert.equal(await shared.page(cookie), 200);
      assert.equal(await shared.page(await shared.cookie()), 200);
      const ws = openSocket(`${shared.base.replace("http", "ws")}ws`, {
        origin: shared.gw.url.slice(0, -1),
        cookie,
      });
      await ws.opened;
      assert.equal(await ws.next(), "hi");
      ws.ws.close();
      await ws.closed;
    });

    await t.step("behind a trusted proxy another client is not locked out", async () => {
      const proxied = await gateway({ trustedProxies: ["127.0.0.1"] });
      for (let i = 0; i < 10; i++) assert.equal(await proxied.login(`bad${i}`, "203.0.113.5"), 401);
      assert.equal(await proxied.login("bad10", "203.0.113.5"), 429);
      // A client further left in the chain is not who connected to the proxy: the proxy's own entry counts.
      assert.equal(await proxied.login("bad11", "198.51.100.7, 203.0.113.5"), 429);
      // Another browser behind the same proxy: its own failures, its own valid token.
      assert.equal(await proxied.login("oops", "203.0.113.6"), 401);
      assert.equal(await proxied.login(secret.token, "203.0.113.6"), 303);
      // The locked-out client's valid token still works too.
      assert.equal(await proxied.login(secret.token, "203.0.113.5"), 303);
    });

    await t.step(
      "basic auth: wrong passwords hold back only that client's new attempts at that name",
      async () => {
        const gw = await startSiteGateway(cluster, {
          auth: { mode: "basic", users: { root: await hashPassword("right") } },
          trustedProxies: ["127.0.0.1"],
          clientDir,
        });
        gateways.push(gw);
        const portal = async (password: string, from: string) => {
          const res = await fetch(gw.url, {
            headers: { authorization: `Basic ${btoa(`root:${password}`)}`, "x-forwarded-for": from },
          });
          await res.body?.cancel();
          return res.status;
        };
        assert.equal(await portal("right", "203.0.113.5"), 200);
        for (let i = 0; i < 10; i++) assert.equal(await portal(`wrong${i}`, "203.0.113.5"), 401);
        assert.equal(await portal("wrong10", "203.0.113.5"), 429);
        // The signed-in user's browser, which sends its (verified) credentials with every request, stays in.
        assert.equal(await portal("right", "203.0.113.5"), 200);
        // Another client behind the proxy is neither held back nor let in by a wrong password.
        assert.equal(await portal("right", "203.0.113.6"), 200);
        assert.equal(await portal("wrong", "203.0.113.6"), 401);
      },
    );
  } finally {
    for (const tunnel of tunnels) tunnel.close();
    for (const gw of gateways) await gw.stop();
    await cluster.stop();
    await Deno.remove(clientDir, { recursive: true });
  }
});
