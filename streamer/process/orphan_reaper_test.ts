import assert from "node:assert/strict";
import { findMarked, isAlive } from "./_proc.ts";

const GROUP = new URL("./mod.ts", import.meta.url).href;

Deno.test("a streamer killed with SIGKILL: the reaper ends its group and removes its folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "selkies-reaper-test-" });
  // A stand-in streamer: a group with one long child, the reaper, then it waits to be killed.
  const code = `
    import { ProcessGroup, startOrphanReaper } from "${GROUP}";
    const group = new ProcessGroup();
    const child = group.spawn("sleeper", "sleep", { args: ["600"] });
    startOrphanReaper(group, [${JSON.stringify(dir)}]);
    console.log(child.pid);
    await new Promise(() => {});
  `;
  const streamer = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "null",
  })
    .spawn();
  const reader = streamer.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const sleeper = Number((await reader.read()).value);
  try {
    assert.ok(isAlive(sleeper));
    streamer.kill("SIGKILL");
    await streamer.status;
    const deadline = Date.now() + 20_000;
    const exists = () => Deno.stat(dir).then(() => true, () => false);
    while ((isAlive(sleeper) || await exists()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(isAlive(sleeper), false, "the group's child is gone");
    assert.equal(await exists(), false, "the folder is removed");
  } finally {
    await reader.cancel();
    if (isAlive(sleeper)) Deno.kill(sleeper, "SIGKILL");
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("group.stop() ends the reaper, which then removes nothing", async () => {
  const { ProcessGroup, startOrphanReaper } = await import("./mod.ts");
  const dir = await Deno.makeTempDir({ prefix: "selkies-reaper-test-" });
  try {
    const group = new ProcessGroup({ graceMs: 2000 });
    startOrphanReaper(group, [dir]);
    const [reaper] = group.children;
    await group.stop();
    assert.equal(isAlive(reaper.pid), false);
    assert.deepEqual(findMarked(group.marker), [], "nor its pause (sleep)");
    assert.ok((await Deno.stat(dir)).isDirectory, "the folder is the session's cleanup's to remove");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
