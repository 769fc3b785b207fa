/**
 * Faults around one session behind the gateway, with real parts (SLURM + MUNGE harness, the site gateway,
 * `selkies-hpc stream --gateway` as the job's streamer, headless Chromium): kill -9 the media worker, the
 * browser, the streamer, munged and slurmctld. Each step records what the page shows, how long until the
 * picture is back (or the end screen shows), and what the session left behind. Measured figures are
 * printed as `FAULT <name>: ...` lines (docs/reliability.md's Faults table comes from them).
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { type GatewaySite, startGatewaySite, submitSleepJob } from "../harness/gateway.ts";
import { launchBrowser, type TestBrowser } from "../fixtures/browser.ts";
import { waitFor } from "../fixtures/async.ts";
import { startStream, type TestStream } from "../fixtures/stream.ts";
import { TIME_CODE_DESKTOP } from "../fixtures/frame_age.ts";
import { clearFootprint, commandLine, leftovers, openSecretFiles, sessionFootprint } from "./_leftovers.ts";
import { FAULT_SEED, faultMoment } from "./_seed.ts";
import { endScreenWithin, pageView, pictureWithin } from "./_page.ts";
import { killDaemon, type KilledDaemon, restartDaemon, saveJobState } from "./_daemons.ts";

let site: GatewaySite;
let browser: TestBrowser;

Deno.test.beforeAll(async () => {
  site = await startGatewaySite();
  browser = await launchBrowser({
    flags: [`--unsafely-treat-insecure-origin-as-secure=${site.gateway.url.slice(0, -1)}`],
  });
});

Deno.test.afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

const sanitizers = { sanitizeOps: false, sanitizeResources: false };

/** A session for `jobId` (a new sleep job when none is given) registered at the site's gateway. */
async function startSession(
  jobId?: string,
  more: { dir?: string; env?: Record<string, string> } = {},
): Promise<TestStream & { jobId: string }> {
  const job = jobId ?? await submitSleepJob(site.cluster);
  const stream = await startStream({
    dir: more.dir,
    geometry: "640x360",
    fps: 15,
    // A moving picture: a static screen sends no new frames to count.
    desktop: TIME_CODE_DESKTOP,
    readyTimeoutMs: 90_000,
    args: ["--gateway", site.gateway.url],
    env: {
      SLURM_JOB_ID: job,
      SELKIES_MUNGE_SOCKET: site.cluster.mungeSocket,
      SELKIES_SITE_CONFIG: "/nonexistent",
      SLURM_CONF: site.cluster.env.SLURM_CONF,
      ...more.env,
    },
  }).catch(async (error) => {
    if (!jobId) await scancel(job);
    throw error;
  });
  return {
    ...stream,
    jobId: job,
    stop: async () => {
      await stream.stop();
      if (!jobId) await scancel(job);
    },
  };
}

async function watch(url: string, context = browser.context): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}&transport=websocket&resize=off&giveup=120`);
  await pictureWithin(page, 10, 60_000);
  return page;
}

function report(fault: string, facts: Record<string, unknown>) {
  console.log(`FAULT ${fault}: ${JSON.stringify({ seed: FAULT_SEED, ...facts })}`);
}

async function scancel(jobId: string): Promise<void> {
  await new Deno.Command("scancel", { args: [jobId], env: site.cluster.env }).output();
}

async function scontrolJob(jobId: string): Promise<string> {
  const out = await new Deno.Command("scontrol", {
    args: ["show", "job", "-o", jobId],
    env: site.cluster.env,
  })
    .output();
  return /JobState=(\w+)/.exec(new TextDecoder().decode(out.stdout))?.[1] ?? "unknown";
}

Deno.test({ name: "kill -9 the media worker: the picture comes back by itself", ...sanitizers }, async () => {
  const stream = await startSession();
  const footprint = sessionFootprint(stream.pid);
  try {
    const page = await watch(stream.url);
    assert.deepEqual(footprint.runtimeDirs.flatMap(openSecretFiles), [], "secret files are 0600");
    const worker = footprint.pids.find((pid) => commandLine(pid).includes("media/worker.ts"));
    assert.ok(worker, `a media worker among ${footprint.pids.map(commandLine).join("\n")}`);
    const faultAtMs = await faultMoment();
    Deno.kill(worker, "SIGKILL");
    const recoveryMs = await pictureWithin(page, 15, 60_000);
    const view = await pageView(page);
    assert.equal(view.endTitle, null, "no end screen for a worker the streamer replaces");
    report("media worker", { faultAtMs, recoveryMs, status: view.status });
    await page.close();
  } finally {
    await stream.stop();
  }
  const left = await leftovers(footprint, 10_000);
  assert.deepEqual(left, { processes: [], dirs: [], sockets: [] });
});

Deno.test(
  { name: "kill -9 the browser: the gateway frees its viewer, a new browser works", ...sanitizers },
  async () => {
    const stream = await startSession();
    try {
      const doomed = await launchBrowser({
        flags: [`--unsafely-treat-insecure-origin-as-secure=${site.gateway.url.slice(0, -1)}`],
      });
      try {
        await watch(stream.url, doomed.context);
        assert.equal(site.gateway.metrics.live().viewers, 1);
        // Every process of that browser (its profile folder is in each command line).
        const chromium = [...Deno.readDirSync("/proc")].map((e) => Number(e.name))
          .filter((pid) => pid > 0 && commandLine(pid).includes(doomed.profile));
        assert.ok(chromium.length > 0);
        const faultAtMs = await faultMoment();
        const killed = Date.now();
        for (const pid of chromium) {
          try {
            Deno.kill(pid, "SIGKILL");
          } catch {
            // Gone with its parent.
          }
        }
        await waitFor("the gateway to drop the viewer", () => site.gateway.metrics.live().viewers === 0, {
          timeoutMs: 60_000,
          intervalMs: 100,
        });
        const freedMs = Date.now() - killed;
        const page = await watch(stream.url);
        assert.equal(site.gateway.metrics.live().viewers, 1, "only the new viewer");
        report("browser", { faultAtMs, viewerFreedMs: freedMs, newViewer: "picture" });
        await page.close();
      } finally {
        await doomed.close();
      }
    } finally {
      await stream.stop();
    }
  },
);

Deno.test(
  { name: "kill -9 the streamer: the viewer gets the node-failure end screen", ...sanitizers },
  async () => {
    const stream = await startSession();
    const footprint = sessionFootprint(stream.pid);
    try {
      const page = await watch(stream.url);
      const faultAtMs = await faultMoment();
      const killed = Date.now();
      Deno.kill(stream.pid, "SIGKILL");
      // Nothing in the streamer can clean up after SIGKILL: its orphan reaper must (streamer/process).
      const cleared = leftovers(footprint, 30_000).then((left) => ({ left, ms: Date.now() - killed }));
      const { view, ms } = await endScreenWithin(page, 60_000);
      assert.equal(view.endReason, "node-failure");
      assert.equal(view.endTitle, "Session ended: the compute node failed");
      const jobState = await scontrolJob(stream.jobId);
      const { left, ms: clearedMs } = await cleared;
      report("streamer", { faultAtMs, endScreenMs: ms, jobState, leftoversClearedMs: clearedMs, left });
      assert.deepEqual(left, { processes: [], dirs: [], sockets: [] });
      await page.close();
    } finally {
      await stream.stop();
      await clearFootprint(footprint);
    }
  },
);

Deno.test(
  { name: "kill -9 the whole session at once: the next session removes its runtime folder", ...sanitizers },
  async () => {
    const stream = await startSession();
    const footprint = sessionFootprint(stream.pid);
    let next: Awaited<ReturnType<typeof startSession>> | undefined;
    try {
      assert.equal(footprint.runtimeDirs.length, 1, `one runtime folder: ${footprint.runtimeDirs}`);
      // As SLURM's SIGKILL after KillWait: every process of the session, the orphan reaper first so that
      // none of it can clean up.
      const reaperFirst = footprint.pids.toSorted((a, b) =>
        Number(commandLine(b).includes("selkies-reaper")) - Number(commandLine(a).includes("selkies-reaper"))
      );
      for (const pid of reaperFirst) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // Gone with its parent.
        }
      }
      await waitFor(
        "the session's processes to end",
        async () => !(await leftovers(footprint)).processes.length,
      );
      const stale = await leftovers(footprint);
      assert.deepEqual(stale.dirs, footprint.runtimeDirs, "the folder stays: nothing was left to remove it");
      next = await startSession();
      const after = await leftovers(footprint, 0);
      report("whole session", { removedByNextSession: after.dirs.length === 0 });
      assert.deepEqual(after, { processes: [], dirs: [], sockets: [] });
    } finally {
      await next?.stop();
      await stream.stop();
      await clearFootprint(footprint);
    }
  },
);

/**
 * The daemons a running session does not need, but a new one does (MUNGE to mint its credential, SLURM for
 * the gateway to check its job): what a refused session must say, and what must happen first.
 */
const DAEMON_FAULTS: {
  daemon: KilledDaemon["name"];
  refused: RegExp;
  /** Before the kill, for the spare job. */
  prepare?(spare: string): Promise<void>;
}[] = [
  { daemon: "munged", refused: /MUNGE|munge/ },
  {
    daemon: "slurmctld",
    refused: /SLURM or MUNGE did not answer/,
    // A controller killed before its next save forgets a just-started job (docs/reliability.md).
    prepare: (spare) => saveJobState(site.cluster, spare),
  },
];

for (const fault of DAEMON_FAULTS) {
  Deno.test({
    name: `kill -9 ${fault.daemon}: sessions stream on, new ones are refused clearly, then recover`,
    ...sanitizers,
  }, async () => {
    const stream = await startSession();
    const spare = await submitSleepJob(site.cluster);
    try {
      const page = await watch(stream.url);
      await fault.prepare?.(spare);
      const faultAtMs = await faultMoment();
      const killed = await killDaemon(site.cluster, fault.daemon);
      try {
        await pictureWithin(page, 15, 60_000);
        const began = Date.now();
        const refused = await startSession(spare).then(
          (s) => s.stop().then(() => "registered"),
          (error: Error) => error.message,
        );
        report(`${fault.daemon} (down)`, {
          faultAtMs,
          running: "picture continues",
          newSession: refused.split("\n").slice(-3).join(" | "),
          refusedAfterMs: Date.now() - began,
        });
        assert.match(refused, fault.refused, refused);
      } finally {
        await restartDaemon(site.cluster, killed);
      }
      const started = Date.now();
      // The daemon answers a moment after its restart: the first tries may still be refused.
      const again = await waitFor(
        "a session registered after the restart",
        () => startSession(spare).catch(() => undefined),
        { timeoutMs: 120_000, intervalMs: 1000 },
      );
      const page2 = await watch(again.url);
      report(`${fault.daemon} (restarted)`, { newSessionToPictureMs: Date.now() - started });
      await page2.close();
      await again.stop();
      await pictureWithin(page, 15, 60_000);
      await page.close();
    } finally {
      await stream.stop();
      await scancel(spare);
    }
  });
}

async function run(command: string, ...args: string[]): Promise<{ ok: boolean; text: string }> {
  const out = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder();
  return { ok: out.success, text: text.decode(out.stdout) + text.decode(out.stderr) };
}

Deno.test({
  name:
    "a full disk under the session's folders: the session streams on, a new one fails clearly, nothing left",
  ...sanitizers,
}, async () => {
  // A small tmpfs holds the sessions' runtime folders (TMPDIR) and session folders (--session-dir).
  const disk = await Deno.makeTempDir({ prefix: "selkies-faults-disk-" });
  const mounted = await run("mount", "-t", "tmpfs", "-o", "size=16m,mode=0755", "tmpfs", disk);
  assert.ok(mounted.ok, mounted.text);
  try {
    await Deno.mkdir(`${disk}/running`);
    const stream = await startSession(undefined, { dir: `${disk}/running`, env: { TMPDIR: disk } });
    const footprint = sessionFootprint(stream.pid);
    try {
      assert.ok(
        footprint.runtimeDirs.length > 0 && footprint.runtimeDirs.every((dir) => dir.startsWith(`${disk}/`)),
        `the runtime folder is on the small disk: ${footprint.runtimeDirs}`,
      );
      const page = await watch(stream.url);
      // Fill it: dd stops at ENOSPC.
      await run("dd", "if=/dev/zero", `of=${disk}/filler`, "bs=1M", "status=none");
      const free = await run("df", "--output=avail", "-B1", disk);
      assert.match(free.text, /\n\s*0\s*$/, `the disk is full: ${free.text}`);
      const pictureMs = await pictureWithin(page, 15, 60_000);
      const view = await pageView(page);
      assert.equal(view.endTitle, null);
      await Deno.mkdir(`${disk}/refused`).catch(() => {});
      const refused = await startSession(undefined, { dir: `${disk}/refused`, env: { TMPDIR: disk } }).then(
        (s) => s.stop().then(() => "started"),
        (error: Error) => error.message.split("\n").slice(-4).join(" | "),
      );
      report("disk full", {
        running: { "15 frames in ms": pictureMs, status: view.status },
        newSession: refused,
      });
      assert.match(refused, /No space left|ENOSPC|disk/i, refused);
      await page.close();
    } finally {
      await stream.stop();
    }
    await Deno.remove(`${disk}/filler`);
    const left = await leftovers(footprint, 10_000);
    const sessionFolders = [...Deno.readDirSync(disk)].map((e) => e.name).filter((n) =>
      n.startsWith("selkies-session-")
    );
    assert.deepEqual({ ...left, sessionFolders }, {
      processes: [],
      dirs: [],
      sockets: [],
      sessionFolders: [],
    });
  } finally {
    const unmounted = await run("umount", disk);
    await Deno.remove(disk, { recursive: true }).catch(() => {});
    assert.ok(unmounted.ok, `nothing holds the disk any more: ${unmounted.text}`);
  }
});
