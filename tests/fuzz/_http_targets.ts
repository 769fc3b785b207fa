// The HTTP routes fuzz targets, in-process (issue 14, target 4): the gateway's Hono app (web/gateway/app.ts: a
// site gateway with token sign-in and a personal one behind a trusted SSO proxy, with its portal's launch
// and cancel) and the streamer's (streamer/server/app.ts), driven through app.fetch with hostile methods,
// paths, headers and bodies. No request may fail with a 5xx (the apps answer a thrown error with 500), none
// may be granted a session's page, share link or cookie without a valid credential, and a legitimate
// browser still signs in after each batch. WebSocket upgrades need a real connection: the end-to-end fuzz
// tests send those. The targets, for http_fuzz_test.ts (which runs each in 2 Web Workers).
import assert from "node:assert/strict";
import { buildSpec } from "../../jobs/config.ts";
import { sessionKeys } from "../../protocol/session_id.ts";
import { createStreamerApp } from "../../streamer/server/app.ts";
import { createGateway, type Gateway } from "../../web/gateway/app.ts";
import { GatewayTunnel } from "../../web/gateway/tunnel_conn.ts";
import { hostileRequest, type HttpSurface } from "./_http.ts";
import { MemorySocket } from "./_sockets.ts";
import type { FuzzReport } from "./_run.ts";
import type { FuzzSetup } from "./_shards.ts";

const TOKEN = "fuzz-owner-secret-0123456789abcdef";
const PROXY = "10.9.9.9";
const keys = sessionKeys(TOKEN);

/** A client folder with the files the apps serve (a prebuilt client.js: no bundling here). */
async function clientDir(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "selkies-fuzz-client-" });
  const dir = `${root}/web/client`;
  await Deno.mkdir(`${dir}/dist`, { recursive: true });
  await Deno.writeTextFile(`${dir}/index.html`, "<!doctype html><title>x</title><p>client</p>");
  await Deno.writeTextFile(`${dir}/styles.css`, "p{}");
  await Deno.writeTextFile(`${dir}/dist/client.js`, "void 0;");
  return root;
}

function gateways(dir: string): { token: Gateway; personal: Gateway; tunnels: MemorySocket[] } {
  const common = { publicUrl: "http://gw.test/", clientDir: `${dir}/web/client`, rateLimit: { max: 10 } };
  const token = createGateway({ ...common, mode: "site", auth: { mode: "token" } });
  const personal = createGateway({
    ...common,
    mode: "personal",
    auth: { mode: "header", trustedProxies: [PROXY] },
    portal: {
      launch: {
        fields: [{ name: "partition", label: "Partition" }, { name: "time", label: "Time" }, {
          name: "geometry",
          label: "Screen",
        }],
        submit: (values) => Promise.resolve(void buildSpec(values)).then(() => "4242"),
      },
      cancel: () => Promise.resolve(),
      jobs: () => Promise.resolve([{ jobId: "4243", state: "PENDING" }]),
    },
  });
  const tunnels: MemorySocket[] = [];
  for (const gateway of [token, personal]) {
    const socket = new MemorySocket();
    tunnels.push(socket);
    const tunnel = new GatewayTunnel(socket.asWebSocket(), {
      onRegister: () => {},
      onClosed: () => {},
      onProtocolError: () => {},
      pingMs: 3_600_000,
    });
    gateway.registry.put({
      reg: {
        jobId: "4242",
        user: "ada",
        node: "c1",
        sessionId: keys.sessionId,
        tokenHash: keys.tokenHash,
        capabilities: [],
      },
      uid: 1000,
      job: {
        jobId: "4242",
        state: "RUNNING",
        user: "ada",
        uid: 1000,
        nodes: ["c1"],
        name: "selkies",
        endTime: Date.now() + 3_600_000,
      },
      tunnel,
      registeredAt: Date.now(),
    });
  }
  return { token, personal, tunnels };
}

const sid = keys.sessionId;
const gatewaySurface: HttpSurface = {
  base: "http://gw.test",
  paths: [
    "/",
    "/healthz",
    "/metrics",
    "/tunnel",
    `/s/${sid}`,
    `/s/${sid}/`,
    `/s/${sid}/ws`,
    `/s/${sid}/share`,
    `/s/${sid}/share/abcdefghijkl`,
    `/s/${sid}/client.js`,
    `/s/${sid}/styles.css`,
    "/s/short/",
    "/api/launch",
    "/api/cancel/4242",
    "/api/cancel/4243",
    "/s/",
    "/s//",
  ],
  goodQueries: [`token=${TOKEN}`],
  goodHeaders: [], // filled with a grant cookie once signed in
  peers: ["10.0.0.1", "10.0.0.2", PROXY, "::1", "unknown"],
};

/** What both targets add to a {@linkcode FuzzSetup}. */
interface HttpTargetSetup {
  check(report: FuzzReport): void;
  dispose(): Promise<void>;
}

/** The connection info Deno.serve hands an app. */
type Env = { remoteAddr: { hostname: string; port: number; transport: "tcp" } };

/** Signs in like a browser: the link's token, then the cookie it set; returns the cookie header. */
async function signIn(
  fetch: (r: Request, env: Env) => Response | Promise<Response>,
  url: string,
  peer: string,
) {
  const env: Env = { remoteAddr: { hostname: peer, port: 1, transport: "tcp" } };
  const login = await fetch(new Request(`${url}?token=${TOKEN}`), env);
  const cookie = login.headers.get("set-cookie")?.split(";")[0];
  assert.ok(cookie, `sign-in with the token sets a cookie (${login.status})`);
  const page = await fetch(new Request(url, { headers: { cookie } }), env);
  assert.equal(page.status, 200, "the cookie opens the page");
  await page.body?.cancel();
  return cookie;
}

/** One planned request, to the site gateway or the personal one. */
export interface GatewayInput {
  plan: ReturnType<typeof hostileRequest>;
  personal: boolean;
}

/**
 * The gateways' routes: a site gateway (token sign-in) and a personal one behind a trusted SSO proxy, each
 * with a registered session.
 *
 * @example
 * ```ts
 * import { gatewayRoutesTarget } from "./_http_targets.ts";
 * import { runFuzz } from "./_run.ts";
 * const { target, check, dispose } = await gatewayRoutesTarget();
 * try { check(await runFuzz(target)); } finally { await dispose(); }
 * ```
 */
export async function gatewayRoutesTarget(): Promise<FuzzSetup<GatewayInput> & HttpTargetSetup> {
  const dir = await clientDir();
  const { token, personal, tunnels } = gateways(dir);
  let legit = 0;
  const fetchToken = (r: Request, env: Env) => token.app.fetch(r, env);
  const surface: HttpSurface = {
    ...gatewaySurface,
    goodHeaders: [{ cookie: await signIn(fetchToken, `http://gw.test/s/${sid}/`, "10.1.0.0") }],
  };
  return {
    target: {
      name: "gateway HTTP routes",
      count: 100_000,
      make: (rng) => ({ plan: hostileRequest(rng, surface), personal: rng.chance(0.3) }),
      async run({ plan, personal: toPersonal }: GatewayInput) {
        const gateway = toPersonal ? personal : token;
        const response = await gateway.app.fetch(plan.request, plan.env);
        await response.body?.cancel();
        const status = response.status;
        if (status >= 500) throw new Error(`${status} for ${plan.summary}`);
        const owner = toPersonal && plan.env.remoteAddr.hostname === PROXY &&
          plan.request.headers.get("x-remote-user") === "ada";
        const path = new URL(plan.request.url).pathname;
        const credentialed = plan.credentialed || owner;
        if (status < 300 && path.startsWith(`/s/${sid}/`) && !credentialed) {
          throw new Error(
            `${status} without a credential for ${plan.summary} (${
              toPersonal ? "personal" : "site"
            } gateway, ` +
              `headers ${JSON.stringify([...plan.request.headers])})`,
          );
        }
        if (response.headers.get("set-cookie") && !credentialed) {
          throw new Error(`a cookie without a credential for ${plan.summary}`);
        }
      },
      async afterBatch(batch: number) {
        await signIn(fetchToken, `http://gw.test/s/${sid}/`, `10.2.0.${batch}`);
        legit++;
      },
    },
    check: (report) => assert.equal(legit, report.batches, "a legitimate browser signed in after each batch"),
    dispose: async () => {
      for (const socket of tunnels) socket.close(1000);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * The streamer's routes (its own token, a view-only one, the cookie they set).
 *
 * @example
 * ```ts
 * import { streamerRoutesTarget } from "./_http_targets.ts";
 * import { runFuzz } from "./_run.ts";
 * const { target, check, dispose } = await streamerRoutesTarget();
 * try { check(await runFuzz(target)); } finally { await dispose(); }
 * ```
 */
export async function streamerRoutesTarget(): Promise<
  FuzzSetup<ReturnType<typeof hostileRequest>> & HttpTargetSetup
> {
  const dir = await clientDir();
  let viewers = 0;
  const app = createStreamerApp({
    token: TOKEN,
    viewOnlyToken: "fuzz-view-only-secret-0123456789",
    viewer: () => viewers++,
    clientDir: `${dir}/web/client`,
    metrics: () => "selkies_up 1\n",
  });
  const fetch = (r: Request, env: Env) => app.fetch(r, env);
  const surface: HttpSurface = {
    base: "http://node.test",
    paths: [
      "/",
      "/ws",
      "/metrics",
      "/healthz",
      "/client.js",
      "/styles.css",
      "/index.html",
      "/rnode/c1/8080/",
      "/rnode/c1/8080/ws",
      "/node/c1/8080/metrics",
      "/node/c1/8080",
      "/x.y",
    ],
    goodQueries: [`token=${TOKEN}`, "token=fuzz-view-only-secret-0123456789"],
    goodHeaders: [{ authorization: `Bearer ${TOKEN}` }, {
      cookie: await signIn(fetch, "http://node.test/", "10.1.0.0"),
    }],
    peers: ["10.0.0.1", "127.0.0.1"],
  };
  return {
    target: {
      name: "streamer HTTP routes",
      count: 100_000,
      make: (rng) => hostileRequest(rng, surface),
      async run(plan: ReturnType<typeof hostileRequest>) {
        const response = await app.fetch(plan.request, plan.env);
        await response.body?.cancel();
        const status = response.status;
        if (status >= 500) throw new Error(`${status} for ${plan.summary}`);
        const segment = new URL(plan.request.url).pathname.split("/").at(-1);
        if (status < 300 && segment !== "healthz" && !plan.credentialed) {
          throw new Error(`${status} without a credential for ${plan.summary}`);
        }
        if (response.headers.get("set-cookie") && !plan.credentialed) {
          throw new Error(`a cookie without a credential for ${plan.summary}`);
        }
      },
      async afterBatch(batch: number) {
        await signIn(fetch, "http://node.test/rnode/c1/8080/", `10.2.0.${batch}`);
      },
    },
    check: () => assert.equal(viewers, 0, "no WebSocket was opened without a connection"),
    dispose: () => Deno.remove(dir, { recursive: true }),
  };
}
