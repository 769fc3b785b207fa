import assert from "node:assert/strict";
import { Hono } from "hono";
import { mountPortal } from "./portal.ts";
import { type SessionEntry, SessionRegistry } from "./registry.ts";
import type { GatewayEnv } from "./_env.ts";
import { hashSessionSecret } from "../../protocol/session_id.ts";

const MIN = 60_000;

/** A registered session of `user` whose job ends at `endTime` (what the tunnel server puts in the registry). */
function entry(sessionId: string, user: string, node: string, endTime?: number): SessionEntry {
  return {
    reg: { jobId: "17", user, node, sessionId, tokenHash: hashSessionSecret("t"), capabilities: [] },
    uid: 1000,
    job: { jobId: "17", state: "RUNNING", user, uid: 1000, nodes: [node], endTime, name: "selkies" },
    tunnel: {},
    registeredAt: Date.now(),
  } as unknown as SessionEntry;
}

function portal(registry: SessionRegistry, user?: string) {
  const app = new Hono<GatewayEnv>();
  app.use("*", async (c, next) => {
    if (user) c.set("user", user);
    await next();
  });
  mountPortal(app, { registry, mode: "site" });
  return async () => await (await app.request("/")).text();
}

Deno.test("the portal shows each session's time left from its job's end, and follows a changed end", async () => {
  const registry = new SessionRegistry();
  registry.put(entry("session-aaaaaaaa", "ada", "c1", Date.now() + 42 * MIN + 10_000));
  registry.put(entry("session-bbbbbbbb", "bob", "c2", Date.now() + 5 * MIN));
  const page = portal(registry, "ada");
  const first = await page();
  assert.match(first, /<td>c1<\/td><td>42 min<\/td>/);
  assert.doesNotMatch(first, /c2/, "another user's session is not listed");
  // The tunnel server's refresh replaces the entry's job facts (an admin's `scontrol update TimeLimit`).
  registry.get("session-aaaaaaaa")!.job.endTime = Date.now() + 3 * MIN + 10_000;
  assert.match(await page(), /<td>c1<\/td><td>3 min<\/td>/);
  registry.get("session-aaaaaaaa")!.job.endTime = undefined;
  assert.match(await page(), /<td>c1<\/td><td>\?<\/td>/, "no limit known: no made-up figure");
  registry.get("session-aaaaaaaa")!.job.endTime = Date.now() - MIN;
  assert.match(await page(), /<td>c1<\/td><td>0 min<\/td>/, "past its end: never negative");
});

Deno.test("the portal escapes what streamers registered and asks a stranger to sign in", async () => {
  const registry = new SessionRegistry();
  registry.put(entry("session-cccccccc", "ada", "<img src=x onerror=alert(1)>", Date.now() + MIN));
  const page = await portal(registry, "ada")();
  assert.doesNotMatch(page, /<img/);
  assert.match(page, /&#60;img/);
  assert.match(await portal(registry)(), /Sign in/);
});
