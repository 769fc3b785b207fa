import assert from "node:assert/strict";
import { SessionViewers } from "./viewers.ts";

Deno.test("a session's entry goes with its last viewer: churn leaves nothing behind", () => {
  const viewers = new SessionViewers();
  for (let round = 0; round < 100; round++) {
    const leaves = ["session-a", "session-a", `session-${round}`].map((id) => viewers.add(id, { kick() {} }));
    assert.equal(viewers.count, 3);
    for (const leave of leaves) leave();
  }
  assert.equal(viewers.count, 0);
  assert.equal(viewers.sessionCount, 0);
});

Deno.test("removing a viewer twice counts it once; the others of its session stay", () => {
  const viewers = new SessionViewers();
  const leave = viewers.add("session-a", { kick() {} });
  viewers.add("session-a", { shareId: "s1", kick() {} });
  leave();
  leave();
  assert.equal(viewers.count, 1);
  assert.deepEqual(viewers.of("session-a").map((v) => v.shareId), ["s1"]);
  assert.deepEqual(viewers.of("session-b"), []);
});

Deno.test("kicking viewers while going through a session's list reaches every one", () => {
  const viewers = new SessionViewers();
  const kicked: number[] = [];
  for (let i = 0; i < 3; i++) {
    const leave = viewers.add("session-a", {
      shareId: "s1",
      kick: () => {
        kicked.push(i);
        leave(); // what relayViewer's onEnd does, synchronously
      },
    });
  }
  for (const viewer of viewers.of("session-a")) viewer.kick("share link revoked");
  assert.deepEqual(kicked, [0, 1, 2]);
  assert.equal(viewers.sessionCount, 0);
});
