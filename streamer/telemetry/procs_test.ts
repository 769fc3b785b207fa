import assert from "node:assert/strict";
import { delay, waitFor } from "../../tests/fixtures/async.ts";
import { holdMemoryScript, SPIN_SCRIPT, vmRss } from "./_hog.ts";
import { SessionProcesses } from "./procs.ts";

const MIB = 1024 * 1024;

function python(script: string, env?: Record<string, string>) {
  return new Deno.Command("python3", { args: ["-c", script], env, stdin: "piped", stdout: "piped" }).spawn();
}

async function untilReady(child: Deno.ChildProcess): Promise<void> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the process ended before it was ready: ${text}`);
    text += value;
  }
  reader.releaseLock();
}

async function end(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGKILL");
  } catch { /* already gone */ }
  await child.status;
  await child.stdout.cancel().catch(() => {});
  await child.stdin.close().catch(() => {});
}

Deno.test("session processes: a tree holding 200 MiB reads as what /proc/<pid>/status says, within 1 MiB", async () => {
  // The tree: a shell, and python under it holding 200 MiB.
  const shell = new Deno.Command("bash", {
    args: ["-c", `python3 -c "$HOLD"; true`],
    env: { HOLD: holdMemoryScript(200) },
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  try {
    await untilReady(shell);
    const processes = new SessionProcesses({ root: shell.pid });
    const reading = processes.read();
    const pids = [
      shell.pid,
      ...Deno.readTextFileSync(`/proc/${shell.pid}/task/${shell.pid}/children`).trim()
        .split(/\s+/).map(Number),
    ];
    const expected = pids.reduce((sum, pid) => sum + vmRss(pid), 0);
    assert.equal(reading.count, 2, "the shell and python");
    assert.ok(reading.rssBytes >= 200 * MIB, `${reading.rssBytes / MIB} MiB`);
    assert.ok(Math.abs(reading.rssBytes - expected) <= MIB, `${reading.rssBytes} vs ${expected} bytes`);
    assert.equal(reading.cpuSeconds, undefined, "no CPU figure from one reading");
  } finally {
    await end(shell);
  }
});

Deno.test("session processes: a busy loop shows as CPU time; a process outside the tree counts by its marker", async () => {
  const marker = `SELKIES_PG=${crypto.randomUUID()}`;
  const [key, value] = marker.split("=");
  const spinner = python(SPIN_SCRIPT);
  // Not in the spinner's tree (a daemon that left it), but it carries the session's marker.
  const daemon = python(holdMemoryScript(50), { [key]: value });
  try {
    await untilReady(daemon);
    const processes = new SessionProcesses({ root: spinner.pid, marker });
    processes.read();
    // A loaded box may give the loop less than a core: wait for a fair share, not for a rate.
    const cores = await waitFor("the busy loop's CPU time", async () => {
      const started = performance.now();
      await delay(1000);
      const reading = processes.read();
      assert.equal(reading.count, 2, "the spinner and the marked daemon");
      const used = reading.cpuSeconds! / ((performance.now() - started) / 1000);
      return used > 0.3 ? used : undefined;
    }, { timeoutMs: 30_000, intervalMs: 0 });
    assert.ok(cores < 1.5, `one thread spins: ${cores} cores`);
    assert.ok(
      new SessionProcesses({ root: spinner.pid }).read().count === 1,
      "without the marker: the tree only",
    );
    assert.ok(processes.read().rssBytes >= 50 * MIB, "the daemon's memory counts");
  } finally {
    await end(spinner);
    await end(daemon);
  }
});
