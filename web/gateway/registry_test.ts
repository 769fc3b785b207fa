import assert from "node:assert/strict";
import { SessionRegistry } from "./registry.ts";
import type { SessionEntry } from "./registry.ts";
import { hashSessionSecret } from "../../protocol/session_id.ts";

const entry = (sessionId: string, token: string) =>
  ({
    reg: {
      jobId: "1",
      user: "ada",
      node: "c1",
      sessionId,
      tokenHash: hashSessionSecret(token),
      capabilities: [],
    },
    uid: 1000,
    job: {},
    tunnel: {},
    registeredAt: Date.now(),
  }) as unknown as SessionEntry;

Deno.test("owner grants survive a new registry (gateway restart) once the session re-registers", () => {
  const before = new SessionRegistry();
  before.put(entry("session-aaaa", "t1"));
  const cookie = before.grant("session-aaaa", { viewOnly: false, user: "ada" }, 60_000);
  const after = new SessionRegistry();
  assert.equal(after.resolve("session-aaaa", cookie), undefined); // not registered yet
  after.put(entry("session-aaaa", "t1"));
  assert.deepEqual(after.resolve("session-aaaa", cookie), { viewOnly: false, user: "ada" });
});

Deno.test("owner grants are refused when tampered, moved, expired, or the secret changed", () => {
  const registry = new SessionRegistry();
  registry.put(entry("session-aaaa", "t1"));
  registry.put(entry("session-bbbb", "t1"));
  const cookie = registry.grant("session-aaaa", { viewOnly: false, user: "ada" }, 60_000);
  const [o, exp, user, mac] = cookie.split(".");
  const forged = [
    `${o}.${exp}.${btoa("eve").replaceAll("=", "")}.${mac}`, // another user
    `${o}.${(Date.now() + 1e9).toString(36)}.${user}.${mac}`, // longer life
    `${o}.${exp}.${user}.${mac.slice(0, -2)}AA`, // another MAC
    `${o}.${exp}.${user}`, // no MAC
  ];
  for (const value of forged) assert.equal(registry.resolve("session-aaaa", value), undefined, value);
  assert.equal(registry.resolve("session-bbbb", cookie), undefined); // same secret, other session
  const expired = registry.grant("session-aaaa", { viewOnly: false }, -1);
  assert.equal(registry.resolve("session-aaaa", expired), undefined);
  registry.put(entry("session-aaaa", "t2")); // a new streamer with a new secret
  assert.equal(registry.resolve("session-aaaa", cookie), undefined);
});

Deno.test("view-only grants stay in memory and end with the share link", () => {
  const registry = new SessionRegistry();
  registry.put(entry("session-aaaa", "t1"));
  const { share } = registry.createShare("session-aaaa", 60_000);
  const cookie = registry.grant("session-aaaa", { viewOnly: true, shareId: share.id }, 60_000);
  assert.equal(cookie.startsWith("o."), false);
  assert.equal(registry.resolve("session-aaaa", cookie)?.viewOnly, true);
  registry.revokeShare("session-aaaa", share.id);
  assert.equal(registry.resolve("session-aaaa", cookie), undefined);
});

Deno.test("ids of closed sessions are remembered for reconnects, then forgotten: tunnel churn keeps nothing", () => {
  const registry = new SessionRegistry();
  const first = entry("session-aaaa", "t1");
  assert.equal(registry.put(first), false);
  registry.remove("session-aaaa", first.tunnel);
  assert.equal(registry.put(entry("session-aaaa", "t1")), true); // a reconnect

  const forgetful = new SessionRegistry({ forgetAfterMs: 0 });
  for (let i = 0; i < 100; i++) {
    const e = entry(`session-${i}`, "t1");
    forgetful.put(e);
    forgetful.remove(e.reg.sessionId, e.tunnel);
  }
  const live = entry("session-live", "t1");
  forgetful.put(live);
  assert.equal(forgetful.rememberedIds, 1); // only the live one
  forgetful.put(entry("session-other", "t1"));
  assert.equal(forgetful.rememberedIds, 2); // a registered id is never forgotten
});
