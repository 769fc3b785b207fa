import assert from "node:assert/strict";
import { ProcessGroup } from "./group.ts";
import { findMarked, isAlive } from "./_proc.ts";
import { delay } from "../../tests/fixtures/async.ts";

Deno.test("stop() ends children, their process group and a double-forked setsid daemon", async () => {
  const group = new ProcessGroup({ graceMs: 1000 });
  try {
    const pidFile = await Deno.makeTempFile();
    // A child with a same-group grandchild, and a double fork into a new session (escapes the group).
    const child = group.spawn("tree", "sh", {
      args: ["-c", `sleep 300 & (setsid sh -c 'sleep 301 & echo $! > ${pidFile}; wait' &) ; wait`],
    });
    let daemon = 0;
    for (let i = 0; i < 100 && !daemon; i++) {
      await delay(20);
      daemon = Number(Deno.readTextFileSync(pidFile).trim()) || 0;
    }
    assert.ok(daemon > 0 && isAlive(daemon), "the daemon started");
    assert.ok(findMarked(group.marker).length >= 3, "descendants carry the marker");
    await group.stop();
    assert.equal(isAlive(child.pid), false);
    assert.equal(isAlive(daemon), false, "the escaped daemon was ended too");
    assert.deepEqual(findMarked(group.marker).filter(isAlive), []);
    await Deno.remove(pidFile);
  } finally {
    await group.stop();
  }
});

Deno.test("stop() escalates to SIGKILL for a child ignoring SIGTERM", async () => {
  const group = new ProcessGroup({ graceMs: 300 });
  const child = group.spawn("stubborn", "sh", { args: ["-c", "trap '' TERM; while :; do sleep 0.1; done"] });
  await delay(100);
  const started = Date.now();
  await group.stop();
  const exit = await child.exited;
  assert.equal(exit.signal, "SIGKILL");
  assert.ok(Date.now() - started < 3000);
  assert.deepEqual(findMarked(group.marker).filter(isAlive), []);
});

Deno.test("an unexpected exit is reported, an expected one and those during stop() are not", async () => {
  const exits: string[] = [];
  const group = new ProcessGroup({ onUnexpectedExit: (e) => exits.push(`${e.name}:${e.code}`) });
  try {
    await group.spawn("crasher", "sh", { args: ["-c", "exit 3"] }).exited;
    await group.spawn("helper", "true", { expectExit: true }).exited;
    group.spawn("sleeper", "sleep", { args: ["60"] });
    await group.stop();
    assert.deepEqual(exits, ["crasher:3"]);
    assert.throws(() => group.spawn("late", "true"), /stopping/);
  } finally {
    await group.stop();
  }
});
