/**
 * Idle release for real: `selkies-hpc stream` with the site's `idleRelease:` (a few seconds here; the setting is
 * in minutes, fractions allowed), real Xvfb and media, WebSocket viewers. A watching viewer keeps the session;
 * abandoned, it ends by itself and exits 0. When watching does not count, a viewer that keeps giving input
 * keeps it, and one that stops is warned, then told the session ended (`end`, reason `idle`).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { delay, waitFor } from "./fixtures/async.ts";
import { connectViewer, type TestViewer } from "./fixtures/session.ts";

const CLI = fileURLToPath(new URL("../selkies-hpc", import.meta.url));
/** The idle limit: 0.1 min = 6 s, warned 3 s before. */
const LIMIT_MS = 6000;

interface IdleSession extends AsyncDisposable {
  child: Deno.ChildProcess;
  ready: { url: string; token: string };
  /** The streamer's log so far (its stderr: the job log). */
  log(): string;
  /** When the session became ready (ms, performance.now()). */
  readyAt: number;
}

/** Starts `selkies-hpc stream` with an idle release site config and waits until it is ready. */
async function startIdleSession(idleRelease: string): Promise<IdleSession> {
  const dir = await Deno.makeTempDir({ prefix: "selkies-idle-" });
  await Deno.writeTextFile(`${dir}/site.yaml`, `idleRelease: ${idleRelease}\n`);
  const child = new Deno.Command(CLI, {
    args: ["stream", "--geometry", "640x480", "--fps", "15", "--no-audio", "--desktop", "exec sleep 600"]
      .concat(["--ready-file", `${dir}/ready.json`]),
    env: { HOME: dir, TMPDIR: dir, SELKIES_SITE_CONFIG: `${dir}/site.yaml` },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let log = "";
  const reading = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (text) => void (log += text) }),
  ).catch(() => {});
  const dispose = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // Ended by itself.
    }
    await child.status;
    await reading;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    const ready = await waitFor(
      "the session to become ready",
      () => Deno.readTextFile(`${dir}/ready.json`).then(JSON.parse).catch(() => undefined),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    return { child, ready, log: () => log, readyAt: performance.now(), [Symbol.asyncDispose]: dispose };
  } catch (error) {
    await dispose();
    throw new Error(`${(error as Error).message}\n${log}`);
  }
}

/** Resolves with the exit status, or null if the process still runs after `ms`. */
async function exitWithin(child: Deno.ChildProcess, ms: number): Promise<Deno.CommandStatus | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), ms));
  try {
    return await Promise.race([child.status, late]);
  } finally {
    clearTimeout(timer);
  }
}

const notices = (viewer: TestViewer) => viewer.messages.flatMap((m) => m.t === "notice" ? [m.message] : []);

Deno.test({
  name: "a watching viewer keeps an idle-release session; abandoned, it ends by itself and exits 0",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using session = await startIdleSession("{ minutes: 0.1, warnMinutes: 0.05 }");
    const viewer = connectViewer(session.ready);
    await viewer.opened;
    // Twice the limit with a viewer that only watches: the session stays.
    assert.equal(
      await exitWithin(session.child, 2 * LIMIT_MS),
      null,
      `ended while watched:\n${session.log()}`,
    );
    assert.ok(!viewer.messages.some((m) => m.t === "end"));
    viewer.socket.close();
    await viewer.closed;
    const left = performance.now();
    const status = await exitWithin(session.child, LIMIT_MS + 20_000);
    assert.ok(status, `still running 20 s past the idle limit:\n${session.log()}`);
    assert.equal(status.code, 0, session.log());
    assert.ok(performance.now() - left >= LIMIT_MS - 500, "not before the limit");
    assert.match(session.log(), /idle release: This session has not been used for a while and ends in 3 s/);
    assert.match(session.log(), /session ends: idle: Nobody used this session for 6 s/);
  },
});

Deno.test({
  name: "when watching does not count, input keeps the session; an idle viewer is warned, then sees it end",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using session = await startIdleSession("{ minutes: 0.1, warnMinutes: 0.05, watchingKeeps: false }");
    const viewer = connectViewer(session.ready);
    await viewer.opened;
    await waitFor("the hello", () => viewer.messages.some((m) => m.t === "hello"));
    // An active viewer: a pointer move every half second for twice the limit.
    const until = performance.now() + 2 * LIMIT_MS;
    for (let x = 0; performance.now() < until; x = (x + 7) % 600) {
      viewer.send({ t: "ma", x, y: 100 });
      await delay(500);
    }
    assert.equal(await exitWithin(session.child, 0), null, `ended while in use:\n${session.log()}`);
    assert.deepEqual(notices(viewer).filter((n) => /not been used/.test(n)), [], "no warning while in use");
    // Now it only watches: warned, then ended.
    await waitFor("the idle warning", () => notices(viewer).some((n) => /ends in 3 s/.test(n)), 10_000);
    const end = await waitFor("the end message", () => viewer.messages.find((m) => m.t === "end"), 10_000);
    assert.equal(end.t === "end" && end.reason, "idle");
    await viewer.closed;
    const status = await exitWithin(session.child, 20_000);
    assert.equal(status?.code, 0, session.log());
  },
});

Deno.test("doctor shows the site's idle release setting, and refuses a broken one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "selkies-idle-doctor-" });
  try {
    const doctor = async (site: string) => {
      await Deno.writeTextFile(`${dir}/site.yaml`, site);
      const out = await new Deno.Command(CLI, {
        args: ["doctor", "--json"],
        env: { HOME: dir, SELKIES_SITE_CONFIG: `${dir}/site.yaml` },
        stdout: "piped",
        stderr: "null",
      }).output();
      const json = JSON.parse(new TextDecoder().decode(out.stdout));
      const check = (name: string) => json.checks.find((c: { name: string }) => c.name === name);
      return { code: out.code, check };
    };
    const on = await doctor("idleRelease: { minutes: 30, watchingKeeps: false }\n");
    assert.equal(on.check("idle release").status, "ok");
    assert.match(on.check("idle release").detail, /^after 30 min with no input \(warning 3 min before\)/);
    assert.equal(on.check("site config").detail, `${dir}/site.yaml`);
    const off = await doctor("limits: { maxGpus: 2 }\n");
    assert.equal(off.check("idle release").status, "absent");
    const broken = await doctor("idleRelease: { minutes: 30, warnMinutes: 45 }\n");
    assert.equal(broken.code, 2);
    assert.match(broken.check("config").detail, /warnMinutes must be less than minutes/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
