import assert from "node:assert/strict";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { capabilityLogin, isHttps } from "./login.ts";

const app = new Hono()
  .get("/s/x/", (c) => capabilityLogin(c, { name: "grant", value: "o.abc_-" }, { title: `<ada's>` }))
  .get("/s/x/check", (c) => c.text(getCookie(c, "grant") ?? "none"));

Deno.test("a checked link becomes a strict, httpOnly, path-less cookie and a redirect without the token", async () => {
  const res = await app.request("/s/x/?token=s3cret&transport=websocket");
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "./?transport=websocket");
  assert.equal(res.headers.get("set-cookie"), "grant=o.abc_-; HttpOnly; SameSite=Strict");
  const back = await app.request("/s/x/check", { headers: { cookie: "other=1; grant=o.abc_-" } });
  assert.equal(await back.text(), "o.abc_-", "hono/cookie reads what it wrote");
});

Deno.test("behind https the cookie is Secure; a cross-site arrival gets a page that navigates on", async () => {
  const res = await app.request("/s/x/?token=s3cret&a=%22%3E", {
    headers: { "x-forwarded-proto": "https", "sec-fetch-site": "cross-site" },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("set-cookie")!, /; Secure/);
  const html = await res.text();
  assert.match(html, /<meta http-equiv="refresh" content="0;url=.\/\?a=%22%3E">/);
  assert.match(html, /<title>&#60;ada&#39;s&#62;<\/title>/);
  assert.ok(!html.includes("s3cret"));
});

Deno.test("isHttps: the URL's scheme or the proxy's word", () => {
  assert.equal(isHttps(new Request("https://gw/")), true);
  assert.equal(isHttps(new Request("http://node/")), false);
  assert.equal(isHttps(new Request("http://node/", { headers: { "x-forwarded-proto": "https" } })), true);
});
