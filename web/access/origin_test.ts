import assert from "node:assert/strict";
import { Hono } from "hono";
import { checkOrigin, originAllowed } from "./origin.ts";

const request = (method: string, headers: Record<string, string>) =>
  new Request("http://node:8080/s/x/ws", { method, headers: { host: "node:8080", ...headers } });
const ws = (headers: Record<string, string>) => request("GET", { upgrade: "websocket", ...headers });

Deno.test("WebSockets: the own host, a proxy's forwarded host or a configured origin only", () => {
  assert.equal(originAllowed(ws({ origin: "http://node:8080" })), true);
  assert.equal(originAllowed(ws({ origin: "http://NODE:8080" })), true, "host names are case-insensitive");
  assert.equal(originAllowed(ws({ origin: "http://node:9090" })), false, "another port is another origin");
  assert.equal(originAllowed(ws({ origin: "https://evil.example" })), false);
  assert.equal(originAllowed(ws({ origin: "null" })), false);
  assert.equal(
    originAllowed(ws({ origin: "https://ood.example", "x-forwarded-host": "ood.example, inner" })),
    true,
    "behind Open OnDemand the browser's origin is the proxy's",
  );
  assert.equal(
    originAllowed(ws({ origin: "https://gw.example" }), { allowed: ["https://gw.example/"] }),
    true,
  );
});

Deno.test("no Origin: not a browser, so it passes, but not as a WebSocket where only browsers are expected", () => {
  assert.equal(originAllowed(ws({})), true);
  assert.equal(originAllowed(ws({}), { browserWebSocketsOnly: true }), false);
  assert.equal(originAllowed(request("POST", {}), { browserWebSocketsOnly: true }), true);
  assert.equal(
    originAllowed(request("POST", { "sec-fetch-site": "cross-site" })),
    false,
    "a browser said so",
  );
});

Deno.test("the middleware checks upgrades and state-changing requests, and lets reads through", async () => {
  const refused: (string | null)[] = [];
  const app = new Hono()
    .use("*", checkOrigin({ onRefused: (_c, origin) => refused.push(origin) }))
    .all("*", (c) => c.text("ok"));
  const evil = { origin: "https://evil.example" };
  assert.equal((await app.request("http://node/", { headers: evil })).status, 200, "a read");
  const post = await app.request("http://node/share", { method: "POST", headers: evil });
  assert.equal(post.status, 403);
  assert.equal(await post.text(), "cross-origin request refused\n");
  const upgrade = await app.request("http://node/ws", { headers: { ...evil, upgrade: "websocket" } });
  assert.equal(await upgrade.text(), "cross-origin WebSocket refused\n");
  const own = { origin: "http://node", host: "node" };
  assert.equal((await app.request("http://node/share", { method: "DELETE", headers: own })).status, 200);
  assert.deepEqual(refused, ["https://evil.example", "https://evil.example"]);
});
