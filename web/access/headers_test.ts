import assert from "node:assert/strict";
import { Hono } from "hono";
import { browserHeaders, CONTENT_SECURITY_POLICY } from "./headers.ts";

const app = new Hono()
  .use("*", browserHeaders())
  .get("/", (c) => c.html("<p>page</p>"))
  .get("/fail", () => {
    throw new Error("boom");
  });
app.onError((_e, c) => c.text("internal error\n", 500));

Deno.test("every page gets the one CSP, no-store and the secure headers; no HSTS from us", async () => {
  for (const path of ["/", "/missing", "/fail"]) {
    const res = await app.request(path);
    await res.body?.cancel();
    const csp = res.headers.get("content-security-policy")!;
    assert.match(csp, /default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';/, path);
    assert.match(csp, /form-action 'self'/);
    assert.match(csp, /frame-ancestors 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers.get("cache-control"), "no-store", path);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("referrer-policy"), "no-referrer");
    assert.equal(res.headers.get("x-frame-options"), "SAMEORIGIN");
    assert.equal(res.headers.get("cross-origin-opener-policy"), "same-origin");
    assert.equal(res.headers.get("strict-transport-security"), null);
  }
});

Deno.test("a WebSocket upgrade is passed through untouched", async () => {
  const ws = new Hono().use("*", browserHeaders()).get("/ws", () => new Response(null, { status: 204 }));
  const res = await ws.request("/ws", { headers: { upgrade: "websocket" } });
  assert.equal(res.headers.get("content-security-policy"), null);
});

Deno.test("the policy cannot be changed at run time", () => {
  assert.throws(() => (CONTENT_SECURITY_POLICY as { scriptSrc: string[] }).scriptSrc = ["*"]);
});
