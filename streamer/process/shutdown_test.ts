import assert from "node:assert/strict";
import { isAlive } from "./_proc.ts";
import { delay } from "../../tests/fixtures/async.ts";

for (const signal of ["SIGTERM", "SIGHUP"] as const) {
  Deno.test(`installShutdownHandlers: ${signal} stops the group and leaves no child`, async () => {
    const proc = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../../tests/fixtures/shutdown_child.ts", import.meta.url).pathname],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    try {
      while (!out.includes("\n")) out += (await reader.read()).value ?? "";
      const sleeper = Number(out.match(/ready (\d+)/)![1]);
      assert.ok(isAlive(sleeper));
      proc.kill(signal);
      for (let r = await reader.read(); !r.done; r = await reader.read()) out += r.value;
      assert.equal((await proc.status).code, 0);
      assert.match(out, new RegExp(`stopped ${signal}`));
      assert.equal(isAlive(sleeper), false);
    } finally {
      try {
        proc.kill("SIGKILL");
      } catch { /* exited */ }
      await proc.status;
    }
  });
}

Deno.test("installShutdownHandlers: a second SIGTERM 50 ms later does not cut the stop short", async () => {
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../tests/fixtures/shutdown_child.ts", import.meta.url).pathname],
    env: { SHUTDOWN_CHILD_STOP_DELAY_MS: "300" }, // a stop that takes a while, as a session's does
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  let sleeper = 0;
  try {
    while (!out.includes("\n")) out += (await reader.read()).value ?? "";
    sleeper = Number(out.match(/ready (\d+)/)![1]);
    proc.kill("SIGTERM");
    await delay(50);
    proc.kill("SIGTERM");
    for (let r = await reader.read(); !r.done; r = await reader.read()) out += r.value;
    assert.equal((await proc.status).code, 0, "the stop ran to its end");
    assert.match(out, /stopped SIGTERM/);
    assert.equal(isAlive(sleeper), false, "the supervised child was ended");
  } finally {
    for (const kill of [() => proc.kill("SIGKILL"), () => sleeper && Deno.kill(sleeper, "SIGKILL")]) {
      try {
        kill();
      } catch { /* exited */ }
    }
    await proc.status;
  }
});
