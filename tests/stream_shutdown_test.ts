/**
 * `selkies-hpc stream` ends everything it started when told to stop, even with viewers still
 * connected over WebSocket (an open connection must not hold the shutdown).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../selkies-hpc", import.meta.url));

/** Live processes whose environment carries `needle` (a tag every descendant inherits). */
async function tagged(needle: string): Promise<number[]> {
  const bytes = new TextEncoder().encode(needle);
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const env = await Deno.readFile(`/proc/${entry.name}/environ`).catch(() => new Uint8Array());
    search: for (let i = 0; i + bytes.length <= env.length; i++) {
      for (let j = 0; j < bytes.length; j++) if (env[i + j] !== bytes[j]) continue search;
      pids.push(Number(entry.name));
      break;
    }
  }
  return pids;
}

Deno.test("a CLI session greets viewers with the site's ICE servers; SIGTERM ends all of it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "selkies-shutdown-" });
  const tag = `SELKIES_TEST_TAG=${crypto.randomUUID()}`;
  await Deno.writeTextFile(`${dir}/site.yaml`, "iceServers:\n  - urls: stun:stun.example.org:3478\n");
  const child = new Deno.Command(CLI, {
    args: [
      "stream",
      "--geometry",
      "640x480",
      "--fps",
      "15",
      "--no-audio",
      "--ready-file",
      `${dir}/ready.json`,
    ],
    env: { [tag.split("=")[0]]: tag.split("=")[1], SELKIES_SITE_CONFIG: `${dir}/site.yaml`, HOME: dir },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    let ready: { url: string; token: string } | undefined;
    for (let i = 0; i < 300 && !ready; i++) {
      ready = await Deno.readTextFile(`${dir}/ready.json`).then(JSON.parse).catch(() => undefined);
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(ready, "the session became ready");
    const wsUrl = new URL("ws", ready.url.replace(/^http/, "ws"));
    wsUrl.search = "";
    const origin = new URL(ready.url).origin;
    // @ts-ignore: Deno's WebSocket takes headers as a non-standard option.
    const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${ready.token}`, origin } });
    let frames = 0;
    let hello: { t: string; iceServers: { urls: string }[] } | undefined;
    socket.binaryType = "arraybuffer";
    socket.onmessage = (m) => typeof m.data === "string" ? hello ??= JSON.parse(m.data) : frames++;
    const closed = new Promise((r) => socket.onclose = r);
    for (let i = 0; i < 100 && frames === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(frames > 0, "the viewer receives frames");
    assert.equal(hello?.t, "hello");
    assert.deepEqual(
      hello?.iceServers,
      [{ urls: "stun:stun.example.org:3478" }],
      "ICE servers from site.yaml",
    );
    assert.ok((await tagged(tag)).length >= 3, "Xvfb, the desktop and the media worker run");

    const started = performance.now();
    child.kill("SIGTERM");
    const status = await child.status;
    const seconds = (performance.now() - started) / 1000;
    await closed;
    assert.equal(status.code, 0, "a requested stop exits 0");
    assert.ok(seconds < 10, `the stop took ${seconds.toFixed(1)} s`);
    assert.deepEqual(await tagged(tag), [], "no process of the session is left");
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already ended.
    }
    await child.status;
    for (const pid of await tagged(tag)) Deno.kill(pid, "SIGKILL");
    await Deno.remove(dir, { recursive: true });
  }
});
