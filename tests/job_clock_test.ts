/**
 * The job's clock with real parts: a real SLURM cluster, real sessions (`selkies-hpc submit` and
 * `selkies-hpc stream --gateway`), the gateway, and headless Chromium reading what the page shows.
 *
 * - A session job with a 3-minute limit: the page counts down from SLURM's end time; an admin's
 *   `scontrol update TimeLimit=...` that leaves it under a minute moves the countdown (and `selkies-hpc
 *   status`); the site's 1-minute warning shows; then SLURM's time limit ends the job and the page shows the
 *   end screen naming it. Slow by nature: SLURM checks limits every 30 s, so the end comes up to 30 s (+
 *   KillWait) after the new limit (88 s for the whole test here).
 * - Through the gateway: the countdown reaches the page through the tunnel; a streamer that stops says why
 *   (its job was cancelled) through the relay; a streamer killed with SIGKILL while its job still runs
 *   leaves its viewer an end screen naming a node failure (the gateway asks SLURM), not an endless
 *   reconnect. The test cluster cannot fail a node for real (NODE_FAIL needs slurmd to die for SlurmdTimeout),
 *   so this is the "tunnel gone, job still RUNNING" rule.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { type GatewaySite, startGatewaySite, streamThroughGateway } from "./harness/gateway.ts";
import { launchBrowser, type TestBrowser } from "./fixtures/browser.ts";
import { waitFor } from "./fixtures/async.ts";
import { cliUser } from "./fixtures/cli_user.ts";

let site: GatewaySite;
let browser: TestBrowser;
let home: string;

Deno.test.beforeAll(async () => {
  site = await startGatewaySite();
  browser = await launchBrowser({
    // WebCodecs needs a secure context: treat the gateway's plain-http address as one.
    flags: [`--unsafely-treat-insecure-origin-as-secure=${site.gateway.url.slice(0, -1)}`],
  });
  home = await Deno.makeTempDir({ prefix: "selkies-clock-home-" });
});

Deno.test.afterAll(async () => {
  await browser?.close();
  await site?.stop();
  if (home) await Deno.remove(home, { recursive: true });
});

/** What the page shows of an element (its text), or null while it is hidden. */
const shown = (page: Page, selector: string) =>
  page.evaluate((s) => {
    const element = document.querySelector<HTMLElement>(s);
    return element && !element.hidden && !element.closest("[hidden]") ? element.textContent : null;
  }, selector);

/** Seconds left in the page's countdown (`M:SS left` or `H:MM:SS left`), or undefined while none shows. */
async function countdown(page: Page): Promise<number | undefined> {
  const text = await shown(page, "#time-left");
  const m = /^(?:(\d+):)?(\d+):(\d\d) left$/.exec(text ?? "");
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined;
}

/**
 * Every live descendant of `pid`, and the session folders they use: what a streamer killed with SIGKILL
 * leaves behind (its Xvfb, desktop and workers run in process groups of their own), for the test to end.
 */
function leftBehindBy(pid: number): { pids: number[]; dirs: string[] } {
  const parent = new Map<number, number>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      parent.set(Number(entry.name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const pids: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const at = queue.shift()!;
    for (const [child, of] of parent) {
      if (of === at) {
        pids.push(child);
        queue.push(child);
      }
    }
  }
  const dirs = new Set<string>();
  for (const p of pids) {
    const cmdline = Deno.readTextFileSync(`/proc/${p}/cmdline`);
    for (const m of cmdline.matchAll(/\/tmp\/selkies-session-[\w-]+/g)) dirs.add(m[0]);
  }
  return { pids, dirs: [...dirs] };
}

async function run(cmd: string, args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(cmd, { args, env, stdin: "null" }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

Deno.test({
  name:
    "a short job: countdown from SLURM, an admin's update moves it, the warning, then the walltime end screen",
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const siteConfig = `${home}/site.yaml`;
  // The site's warning threshold, the way a site sets it (defaults:), reaching the page through the job.
  await Deno.writeTextFile(siteConfig, "defaults:\n  walltimeWarnings: [1]\n");
  await using user = await cliUser({
    clusterEnv: site.cluster.env,
    partition: site.cluster.partition,
    prefix: "selkies-clock-user-",
    siteConfig,
  });
  const cli = user.cli;
  const sub = await user.submit(
    "00:03:00",
    "--geometry",
    "800x600",
    "--app",
    "xterm",
    "--fps",
    "10",
    "--no-audio",
    "--timeout",
    "90",
  );
  assert.equal(sub.code, 0, `${sub.stderr}\n${site.cluster.logs().slice(-2000)}`);
  const { jobId, url: link } = JSON.parse(sub.stdout) as { jobId: string; url: string };
  try {
    const url = new URL(link);
    url.hostname = "127.0.0.1"; // this box is the node; WebCodecs needs a secure context
    url.searchParams.set("transport", "websocket");
    url.searchParams.set("resize", "off");
    const page = await browser.context.newPage();
    await page.goto(url.href);
    const first = await waitFor("a countdown", () => countdown(page), { timeoutMs: 30_000, intervalMs: 250 });
    const { startTime } = JSON.parse((await cli("status", "--json", jobId)).stdout) as { startTime: string };
    const ranFor = (Date.now() - Date.parse(startTime)) / 1000;
    assert.ok(Math.abs(first - (180 - ranFor)) <= 5, `${first} s left after ${ranFor} s of a 3-minute job`);
    assert.equal(
      await shown(page, "#job-warning"),
      null,
      "more than the 1-minute threshold left: no warning",
    );

    // The admin shortens the job to leave it under a minute (whole minutes: 1, or 2 after a slow start); the
    // streamer hears it within its 30 s refresh, the page counts from it.
    const minutes = Math.ceil((Date.now() - Date.parse(startTime) + 15_000) / 60_000);
    const update = await run(
      "scontrol",
      ["update", `JobId=${jobId}`, `TimeLimit=${minutes}`],
      site.cluster.env,
    );
    assert.equal(update.code, 0, update.stderr);
    const status = JSON.parse((await cli("status", "--json", jobId)).stdout) as { timeLeftSeconds?: number };
    assert.ok(
      status.timeLeftSeconds! <= 60,
      `selkies-hpc status shows the new limit: ${status.timeLeftSeconds}`,
    );
    const before = (await countdown(page))!;
    const moved = await waitFor("the countdown to follow the update", async () => {
      const left = await countdown(page);
      return left !== undefined && left < before - 45 && left;
    }, { timeoutMs: 45_000, intervalMs: 250 });
    assert.ok(moved <= 60, `${moved} s left after the update`);
    // Under a minute left: the site's warning (or SLURM's USR1 notice, whichever came first) is up.
    const warning = await waitFor("the warning banner", () => shown(page, "#job-warning"), {
      timeoutMs: 10_000,
    });
    assert.match(warning, /left before this session's job reaches its time limit|time limit is near/);

    // SLURM ends the job at its limit (its check runs every 30 s): the end screen names the walltime.
    await page.waitForFunction(() => !document.getElementById("end-screen")!.hidden, null, {
      timeout: 120_000,
    });
    assert.equal(await shown(page, "#end-screen h1"), "Session ended: the job reached its time limit");
    assert.match(
      (await shown(page, "#end-screen p"))!,
      new RegExp(`Job ${jobId} reached its time limit of 00:0${minutes}:00`),
    );
    assert.equal(await shown(page, "#time-left"), null);
    await page.close();
  } finally {
    await cli("cancel", jobId);
  }
});

Deno.test({
  name:
    "through the gateway: countdown, a streamer's own end relayed, and a killed streamer's viewer told of a node failure",
  sanitizeOps: false,
  sanitizeResources: false,
}, async (t) => {
  const { cluster, gateway } = site;
  const start = () =>
    streamThroughGateway(cluster, gateway.url, {
      geometry: "640x360",
      fps: 10,
      desktop: "exec sleep 600",
      // The streamer asks this cluster about its job, as one inside the job would.
      env: { SLURM_CONF: cluster.env.SLURM_CONF, PATH: cluster.env.PATH },
    });
  const open = async (link: string) => {
    const page = await browser.context.newPage();
    await page.goto(`${link}&transport=websocket&resize=off&giveup=120`);
    return page;
  };
  const endScreen = async (page: Page, timeout: number) => {
    await page.waitForFunction(() => !document.getElementById("end-screen")!.hidden, null, { timeout });
    return {
      reason: await page.evaluate(() => document.getElementById("end-screen")!.dataset.reason),
      title: await shown(page, "#end-screen h1"),
      text: await shown(page, "#end-screen p"),
    };
  };

  await t.step("a streamer stopped after its job was cancelled says so through the relay", async () => {
    const stream = await start();
    try {
      const page = await open(stream.url);
      // The sleep job's 10-minute limit, counted on the streamer's clock, through the tunnel.
      const left = await waitFor("a countdown", () => countdown(page), {
        timeoutMs: 30_000,
        intervalMs: 250,
      });
      assert.ok(left > 500 && left <= 600, `${left} s left of a 10-minute job`);
      await run("scancel", [stream.jobId], cluster.env);
      Deno.kill(stream.pid, "SIGTERM");
      const end = await endScreen(page, 20_000);
      assert.equal(end.reason, "cancelled");
      assert.equal(end.title, "Session ended: the job was cancelled");
      assert.match(end.text!, new RegExp(`Job ${stream.jobId} was cancelled`));
      await page.close();
    } finally {
      await stream.stop();
    }
  });

  await t.step("SIGKILL to the streamer while its job runs: the viewer hears of a node failure", async () => {
    const stream = await start();
    let orphans: { pids: number[]; dirs: string[] } = { pids: [], dirs: [] };
    try {
      const page = await open(stream.url);
      await waitFor("a countdown", () => countdown(page), { timeoutMs: 30_000, intervalMs: 250 });
      orphans = leftBehindBy(stream.pid);
      const killed = Date.now();
      Deno.kill(stream.pid, "SIGKILL");
      // The gateway waits 10 s for the streamer to come back, then asks SLURM: still RUNNING.
      const end = await endScreen(page, 40_000);
      assert.ok(Date.now() - killed >= 9000, "not before the gateway's grace for a reconnecting streamer");
      assert.equal(end.reason, "node-failure");
      assert.equal(end.title, "Session ended: the compute node failed");
      assert.match(end.text!, new RegExp(`stopped answering while job ${stream.jobId} is still running`));
      await page.close();
    } finally {
      await stream.stop();
      for (const pid of orphans.pids) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
      for (const dir of orphans.dirs) await Deno.remove(dir, { recursive: true }).catch(() => {});
      await run("scancel", [stream.jobId], cluster.env);
    }
  });
});
