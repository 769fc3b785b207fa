import assert from "node:assert/strict";
import { MAX_CONTROL_BYTES } from "../../protocol/protocol.ts";
import { createStreamerApp, serveStreamer, type StreamerServer, type ViewerSocket } from "./mod.ts";
import { delay, waitFor } from "../../tests/fixtures/async.ts";

const TOKEN = "correct-horse-battery-staple";

interface Harness {
  server: StreamerServer;
  base: string;
  viewers: { socket: ViewerSocket; messages: (string | Uint8Array)[]; viewOnly: boolean }[];
}

async function withServer(fn: (h: Harness) => Promise<void>): Promise<void> {
  const viewers: Harness["viewers"] = [];
  const app = createStreamerApp({
    token: TOKEN,
    viewOnlyToken: "look-dont-touch",
    title: "test <session>",
    viewer(socket, info) {
      const entry = { socket, messages: [] as (string | Uint8Array)[], viewOnly: info.viewOnly };
      viewers.push(entry);
      socket.onMessage((data) => {
        entry.messages.push(data);
        if (data === "echo") socket.send("echo back");
      });
    },
  });
  const server = await serveStreamer(app, { bind: "127.0.0.1", port: 0 });
  try {
    await fn({ server, base: server.url, viewers });
  } finally {
    for (const v of viewers) v.socket.close();
    await server.close();
  }
}

async function login(base: string, path = "/"): Promise<string> {
  const res = await fetch(new URL(`${path}?token=${TOKEN}`, base), { redirect: "manual" });
  await res.body?.cancel();
  const cookie = res.headers.get("set-cookie");
  assert.ok(cookie, "login sets a cookie");
  return cookie.split(";")[0];
}

function openSocket(url: string, headers: Record<string, string>): Promise<WebSocket> {
  const ws = new WebSocket(url, { headers } as unknown as string[]);
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error("WebSocket refused"));
  });
}

async function closeSocket(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return;
  const closed = new Promise((resolve) => ws.addEventListener("close", resolve));
  ws.close();
  await closed;
}

Deno.test("healthz answers without authentication", async () => {
  await withServer(async ({ base }) => {
    const res = await fetch(new URL("healthz", base));
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "ok\n");
  });
});

Deno.test("the page without a token or with a wrong one is 401 with an explanation and no cookie", async () => {
  await withServer(async ({ base }) => {
    for (const path of ["/", "/?token=wrong", "/client.js", "/ws"]) {
      const res = await fetch(new URL(path, base), { redirect: "manual" });
      assert.equal(res.status, 401, path);
      assert.match(await res.text(), /access link/);
      assert.equal(res.headers.get("set-cookie"), null);
    }
  });
});

Deno.test("a valid token sets an httpOnly strict cookie and redirects to the URL without the token", async () => {
  await withServer(async ({ base }) => {
    const res = await fetch(new URL(`/?token=${TOKEN}&transport=websocket`, base), { redirect: "manual" });
    await res.body?.cancel();
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "./?transport=websocket");
    const cookie = res.headers.get("set-cookie")!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.doesNotMatch(cookie, /Secure/);
    assert.doesNotMatch(cookie, /Path=/, "scoped by the browser to the URL it sees");
    assert.ok(!cookie.includes(TOKEN), "the cookie is not the secret itself");

    const page = await fetch(base, { headers: { cookie: cookie.split(";")[0] } });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<title>test &#60;session&#62;<\/title>/);
    assert.match(page.headers.get("content-security-policy")!, /default-src 'self'/);
    assert.equal(page.headers.get("x-content-type-options"), "nosniff");
    assert.equal(page.headers.get("referrer-policy"), "no-referrer");
  });
});

Deno.test("the cookie is Secure behind an https proxy, and cross-site arrivals get a same-site hop", async () => {
  await withServer(async ({ base }) => {
    const res = await fetch(new URL(`/?token=${TOKEN}`, base), {
      redirect: "manual",
      headers: { "x-forwarded-proto": "https", "sec-fetch-site": "cross-site" },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("set-cookie")!, /; Secure/);
    assert.match(await res.text(), /http-equiv="refresh" content="0;url=.\/"/);
  });
});

Deno.test("the page works under any prefix with relative asset URLs", async () => {
  await withServer(async ({ base }) => {
    for (const prefix of ["/rnode/c1/8080/", "/node/c1/8080/", "/any/prefix/"]) {
      const cookie = await login(base, prefix);
      const res = await fetch(new URL(prefix, base), { headers: { cookie } });
      assert.equal(res.status, 200, prefix);
      const html = await res.text();
      assert.match(html, /src="\.\/client\.js"/);
      assert.match(html, /href="\.\/styles\.css"/);
      assert.doesNotMatch(html, /(src|href)="\//, "no absolute URLs");
      const css = await fetch(new URL(`${prefix}styles.css`, base), { headers: { cookie } });
      assert.equal(css.status, 200);
      assert.match(css.headers.get("content-type")!, /text\/css/);
      await css.body?.cancel();
    }
    const bare = await fetch(new URL("/rnode/c1/8080", base), { redirect: "manual" });
    assert.equal(bare.status, 308);
    assert.equal(bare.headers.get("location"), "8080/");
  });
});

Deno.test("the WebSocket needs the cookie and a same-host Origin", async () => {
  await withServer(async ({ base, viewers }) => {
    const wsUrl = base.replace("http:", "ws:") + "ws";
    const host = new URL(base).host;
    await assert.rejects(openSocket(wsUrl, { origin: `http://${host}` }), /refused/);
    const cookie = await login(base);
    await assert.rejects(openSocket(wsUrl, { cookie, origin: "http://evil.example" }), /refused/);
    assert.equal(viewers.length, 0);

    const ws = await openSocket(wsUrl, { cookie, origin: `http://${host}` });
    try {
      const reply = new Promise<string>((resolve) => ws.onmessage = (e) => resolve(e.data));
      ws.send("echo");
      assert.equal(await reply, "echo back");
      assert.equal(viewers.length, 1);
      assert.equal(viewers[0].viewOnly, false);
    } finally {
      await closeSocket(ws);
    }
  });
});

Deno.test("a view-only secret and a bearer token are accepted; a proxy's forwarded host passes the Origin check", async () => {
  await withServer(async ({ base, viewers }) => {
    const wsUrl = base.replace("http:", "ws:") + "ws";
    const ws = await openSocket(wsUrl, {
      authorization: "Bearer look-dont-touch",
      origin: "https://ood.example",
      "x-forwarded-host": "ood.example",
    });
    await waitFor("the viewer", () => viewers.length === 1, { timeoutMs: 3000, intervalMs: 20 });
    assert.equal(viewers[0].viewOnly, true);
    await closeSocket(ws);
  });
});

Deno.test("an oversized message is dropped and the server keeps serving", async () => {
  await withServer(async ({ base, viewers }) => {
    const ws = await openSocket(base.replace("http:", "ws:") + "ws", { cookie: await login(base) });
    try {
      ws.send("x".repeat(MAX_CONTROL_BYTES + 1));
      ws.send(new Uint8Array(MAX_CONTROL_BYTES + 1));
      ws.send("€".repeat(MAX_CONTROL_BYTES / 3 + 1)); // fewer UTF-16 units than the limit, more UTF-8 bytes
      ws.send('{"t":"kf"}');
      await waitFor("its message", () => viewers[0]?.messages.length === 1, {
        timeoutMs: 3000,
        intervalMs: 20,
      });
      await delay(100);
      assert.deepEqual(viewers[0].messages, ['{"t":"kf"}']);
      assert.equal(await fetch(new URL("healthz", base)).then((r) => r.text()), "ok\n");
    } finally {
      await closeSocket(ws);
    }
  });
});

Deno.test("serving on a unix socket works", async () => {
  const dir = await Deno.makeTempDir({ prefix: "selkies-server-test-" });
  const app = createStreamerApp({ token: TOKEN, viewer: () => {} });
  const server = await serveStreamer(app, { bind: `unix:${dir}/s.sock` });
  try {
    assert.equal(server.url, `unix:${dir}/s.sock`);
    const conn = await Deno.connect({ transport: "unix", path: `${dir}/s.sock` });
    await conn.write(
      new TextEncoder().encode("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    );
    const reply = new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
    assert.match(reply, /^HTTP\/1.1 200/);
    assert.match(reply, /\r\n\r\nok\n$/);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("aborting the signal stops the server", async () => {
  const controller = new AbortController();
  const server = await serveStreamer(createStreamerApp({ token: TOKEN, viewer: () => {} }), {
    signal: controller.signal,
  });
  controller.abort();
  await server.close();
  await assert.rejects(fetch(new URL("healthz", server.url)));
});
