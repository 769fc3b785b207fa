/**
 * `selkies-hpc stream` ends everything it started when told to stop: with viewers still connected over
 * WebSocket (an open connection must not hold the shutdown), with a WebRTC viewer that never answers and
 * resizes the screen (a worker stuck inside an X server grab must not freeze the streamer), when SLURM
 * signals every process of the job at once, when the TERM comes twice, and when it comes before the session
 * is ready (the start is abandoned, not waited out). Afterwards no process, no runtime folder (X cookie,
 * PulseAudio cookie) and no ready file (the secret) is left.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { delay, waitFor } from "./fixtures/async.ts";
import { freePort } from "./fixtures/net.ts";
import type { Hello } from "./fixtures/client_browser.ts";
import { connectViewer } from "./fixtures/session.ts";

const CLI = fileURLToPath(new URL("../selkies-hpc", import.meta.url));

/** Sends `signal` to `pid` unless it is already gone. */
function signal(pid: number, name: Deno.Signal): void {
  try {
    Deno.kill(pid, name);
  } catch {
    // Ended meanwhile.
  }
}

/** Live processes whose environment carries `needle` (a tag every descendant inherits). */
async function tagged(needle: string): Promise<number[]> {
  const bytes = new TextEncoder().encode(needle);
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const env = await Deno.readFile(`/proc/${entry.name}/environ`).catch(() => new Uint8Array());
    search: for (let i = 0; i + bytes.length <= env.length; i++) {
      for (let j = 0; j < bytes.length; j++) if (env[i + j] !== bytes[j]) continue search;
      const stat = await Deno.readTextFile(`/proc/${entry.name}/stat`).catch(() => "");
      if (stat && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z") pids.push(Number(entry.name));
      break;
    }
  }
  return pids;
}

interface CliProcess {
  child: Deno.ChildProcess;
  /** The test's folder: HOME and TMPDIR of the session, so its runtime folder is made here. */
  dir: string;
  tag: string;
  /** What the session left in `dir` that holds a secret: runtime folders and the ready file. */
  leftovers(): Promise<string[]>;
  /** Ends whatever is left and removes `dir`. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface CliSession extends CliProcess {
  ready: { url: string; token: string };
}

interface CliOptions {
  audio: boolean;
  siteConfig?: string;
  geometry?: string;
  /** More `stream` flags. */
  args?: string[];
  /** Variables added to the streamer's environment. */
  env?: Record<string, string>;
}

/** Starts `selkies-hpc stream` (640x480 unless told) and waits for its ready file. */
async function startCli(options: CliOptions): Promise<CliSession> {
  const cli = await spawnCli(options);
  try {
    const ready: CliSession["ready"] = await waitFor(
      "the session to become ready",
      () => Deno.readTextFile(`${cli.dir}/ready.json`).then(JSON.parse).catch(() => undefined),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    return { ...cli, ready };
  } catch (error) {
    await cli[Symbol.asyncDispose]();
    throw error;
  }
}

/** Spawns `selkies-hpc stream` (640x480 unless told) without waiting for anything. */
async function spawnCli(options: CliOptions): Promise<CliProcess> {
  const dir = await Deno.makeTempDir({ prefix: "selkies-shutdown-" });
  const tag = `SELKIES_TEST_TAG=${crypto.randomUUID()}`;
  const env: Record<string, string> = {
    ...options.env,
    [tag.split("=")[0]]: tag.split("=")[1],
    HOME: dir,
    TMPDIR: dir,
  };
  if (options.siteConfig !== undefined) {
    await Deno.writeTextFile(`${dir}/site.yaml`, options.siteConfig);
    env.SELKIES_SITE_CONFIG = `${dir}/site.yaml`;
  }
  const geometry = options.geometry ?? "640x480";
  const args = ["stream", "--geometry", geometry, "--fps", "15", "--ready-file", `${dir}/ready.json`];
  const child = new Deno.Command(CLI, {
    args: [...args, options.audio ? "--audio" : "--no-audio", ...options.args ?? []],
    env,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const dispose = async () => {
    signal(child.pid, "SIGKILL");
    await child.status;
    for (const pid of await tagged(tag)) signal(pid, "SIGKILL");
    await Deno.remove(dir, { recursive: true });
  };
  const leftovers = async () => {
    const names: string[] = [];
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name.startsWith("selkies-session-") || entry.name === "ready.json") names.push(entry.name);
    }
    return names;
  };
  return { child, dir, tag, leftovers, [Symbol.asyncDispose]: dispose };
}

/** Asks /healthz with a deadline: a frozen streamer does not answer at all. */
async function healthz(ready: CliSession["ready"], timeoutMs = 2000): Promise<string> {
  return await fetch(new URL("healthz", ready.url), { signal: AbortSignal.timeout(timeoutMs) })
    .then((r) => r.text())
    .catch((error) => `no answer (${error.name})`);
}

/** Resolves with the exit status, or null when the process did not exit within `ms`. */
async function exitWithin(child: Deno.ChildProcess, ms: number): Promise<Deno.CommandStatus | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), ms));
  try {
    return await Promise.race([child.status, late]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("a CLI session greets with the site's ICE servers, survives a WebRTC viewer that never answers, and SIGTERM ends all of it", async () => {
  await using cli = await startCli({
    audio: false,
    geometry: "1280x720",
    siteConfig: "iceServers:\n  - urls: stun:stun.example.org:3478\n",
  });
  const viewer = connectViewer(cli.ready);
  await viewer.opened;
  await waitFor("a video frame", () => viewer.frames() > 0, 10_000);
  const hello = viewer.messages.find((m): m is Hello => m.t === "hello");
  assert.deepEqual(
    hello?.iceServers,
    [{ urls: "stun:stun.example.org:3478" }],
    "ICE servers from site.yaml",
  );
  assert.ok((await tagged(cli.tag)).length >= 3, "Xvfb, the desktop and the media worker run");

  // Ask for WebRTC and never answer the offer, then resize: the change makes the WebRTC worker's ximagesrc
  // renegotiate inside its XGrabServer, where it hangs (GStreamer 1.22: a serialized allocation query waits
  // on a queue whose thread is blocked by the unanswered peer), so the X server stays grabbed. Then what
  // needs the streamer's own X connection: a second resize (round trips), and the pointer moving (writes,
  // which block once ~70 wait in the socket of a grabbed server).
  viewer.send({ t: "webrtc" });
  await waitFor("the WebRTC offer", () => viewer.messages.some((m) => m.t === "sdp"), 10_000);
  viewer.send({ t: "resize", w: 800, h: 600 });
  await delay(1500);
  viewer.send({ t: "resize", w: 720, h: 540 });
  for (let i = 0; i < 300; i++) viewer.send({ t: "ma", x: i % 700, y: i % 500 });
  for (let i = 0; i < 3; i++) {
    await delay(500);
    assert.equal(await healthz(cli.ready), "ok\n", "the streamer answers while a worker holds the X server");
  }
  // The stuck round trip got the media workers killed (which ends their grab), so the resize went through.
  await waitFor(
    "screen 720x540",
    () => viewer.messages.some((m) => m.t === "screen" && m.width === 720 && m.height === 540),
    20_000,
  );

  const started = performance.now();
  cli.child.kill("SIGTERM");
  const status = await exitWithin(cli.child, 5000);
  const seconds = (performance.now() - started) / 1000;
  assert.ok(status, "SIGTERM ended the streamer within 5 s");
  await viewer.closed;
  assert.equal(status.code, 0, "a requested stop exits 0");
  assert.ok(seconds < 5, `the stop took ${seconds.toFixed(1)} s`);
  assert.deepEqual(await tagged(cli.tag), [], "no process of the session is left");
  assert.deepEqual(await cli.leftovers(), [], "no runtime folder or ready file is left");
});

Deno.test("SIGTERM to every process of the session at once (scancel, walltime) leaves no secret and no process", async () => {
  await using cli = await startCli({ audio: true });
  const pids = await tagged(cli.tag);
  const names = await Promise.all(pids.map((pid) => Deno.readTextFile(`/proc/${pid}/comm`).catch(() => "")));
  assert.ok(names.some((n) => n.startsWith("Xvfb")) && names.some((n) => n.startsWith("pulseaudio")));
  for (const pid of pids) signal(pid, "SIGTERM"); // what slurmstepd does to every task process
  const status = await exitWithin(cli.child, 10_000);
  assert.ok(status, "the streamer exited");
  assert.deepEqual(await cli.leftovers(), [], "no runtime folder (X and PulseAudio cookies) or ready file");
  for (let i = 0; i < 20 && (await tagged(cli.tag)).length > 0; i++) {
    await delay(100);
  }
  assert.deepEqual(await tagged(cli.tag), [], "no process of the session is left");
});

Deno.test("two SIGTERMs 50 ms apart (the job script forwards TERM, slurmstepd sends it too) leave no secret", async () => {
  await using cli = await startCli({ audio: false });
  cli.child.kill("SIGTERM");
  await delay(50);
  signal(cli.child.pid, "SIGTERM"); // the stop may be over already (~50-110 ms measured)
  const status = await exitWithin(cli.child, 10_000);
  assert.ok(status, "the streamer exited");
  assert.deepEqual(await cli.leftovers(), [], "no runtime folder or ready file is left");
  assert.deepEqual(await tagged(cli.tag), [], "no process of the session is left");
});

/** The short names (`comm`) of the session's live processes. */
async function taggedNames(tag: string): Promise<string[]> {
  const pids = await tagged(tag);
  return (await Promise.all(pids.map((pid) => Deno.readTextFile(`/proc/${pid}/comm`).catch(() => ""))))
    .map((n) => n.trim());
}

/** After a stop: the streamer exited 0 within `ms`, and no process, runtime folder or ready file is left. */
async function assertStoppedClean(cli: CliProcess, since: number, ms: number): Promise<void> {
  const status = await exitWithin(cli.child, ms);
  const seconds = (performance.now() - since) / 1000;
  assert.ok(status, `SIGTERM ended the streamer within ${ms / 1000} s`);
  assert.equal(status.code, 0, "a requested stop exits 0");
  for (let i = 0; i < 20 && (await tagged(cli.tag)).length > 0; i++) {
    await delay(100);
  }
  assert.deepEqual(await taggedNames(cli.tag), [], "no process of the session is left");
  assert.deepEqual(await cli.leftovers(), [], "no runtime folder or ready file is left");
  console.log(`stopped in ${seconds.toFixed(1)} s`);
}

/** Waits until the session's processes pass `test` (by their names). */
async function waitForProcesses(cli: CliProcess, what: string, test: (names: string[]) => boolean) {
  await waitFor(what, async () => test(await taggedNames(cli.tag)), 15_000);
}

/** The CLI and a media worker are both Deno processes. */
const mediaWorker = (names: string[]) => names.filter((n) => n === "deno").length >= 2;

Deno.test("SIGTERM while the session waits for a gateway that never answers ends the start within seconds", async () => {
  // Nothing listens there: the tunnel retries forever, so the session never becomes ready. The stop used to
  // wait for the start to finish, and this one never does.
  const gateway = `http://127.0.0.1:${freePort()}`;
  // A gateway session registers its SLURM job.
  await using cli = await spawnCli({
    audio: true,
    args: ["--gateway", gateway],
    env: { SLURM_JOB_ID: "4242" },
  });
  // Everything before the tunnel is up: the display, PulseAudio, the desktop, and the media worker.
  await waitForProcesses(cli, "media worker", (names) => names.includes("xterm") && mediaWorker(names));
  await delay(1500); // the first frame, then the tunnel's retries
  assert.equal(await exitWithin(cli.child, 0), null, "the session still starts");
  assert.deepEqual(await cli.leftovers().then((l) => l.filter((n) => n === "ready.json")), [], "not ready");
  const started = performance.now();
  cli.child.kill("SIGTERM");
  await assertStoppedClean(cli, started, 5000);
});

const PHASES: [string, (names: string[]) => boolean][] = [
  ["Xvfb", (names) => names.includes("Xvfb")],
  ["the media worker", mediaWorker],
];
for (const [phase, test] of PHASES) {
  Deno.test(`SIGTERM as soon as ${phase} runs (before ready) ends the start within seconds, leaving nothing`, async () => {
    await using cli = await spawnCli({ audio: true });
    await waitForProcesses(cli, phase, test);
    const started = performance.now();
    cli.child.kill("SIGTERM");
    await assertStoppedClean(cli, started, 5000);
  });
}
