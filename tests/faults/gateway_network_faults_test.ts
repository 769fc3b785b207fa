/**
 * Faults between the compute node and the gateway, with real parts (SLURM + MUNGE harness, `selkies-hpc
 * gateway` as a process of its own, `selkies-hpc stream --gateway` as the job's streamer, headless Chromium):
 * kill -9 the gateway and start it again (the streamer re-registers, the page reconnects); a streamer in a
 * network namespace whose link to the gateway loses 5 % of its packets (iptables), then has a 10 s outage;
 * a streamer whose link to the gateway is delayed (a userspace relay, `_delay_relay.ts`: this kernel has no
 * netem). Measured figures are printed as `FAULT <name>: ...` lines (docs/reliability.md's Faults table).
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { submitSleepJob } from "../harness/gateway.ts";
import { createNetNamespace, type NetNamespace } from "../harness/netns.ts";
import { type SlurmCluster, startSlurmCluster } from "../harness/slurm.ts";
import { streamerNodeName } from "../harness/gateway.ts";
import { launchBrowser, type TestBrowser } from "../fixtures/browser.ts";
import { delay, waitFor } from "../fixtures/async.ts";
import { startStream, type TestStream } from "../fixtures/stream.ts";
import { installFrameAge, measureFrameAge, percentile, TIME_CODE_DESKTOP } from "../fixtures/frame_age.ts";
import { startDelayRelay } from "./_delay_relay.ts";
import { pointerLatency, sessionDisplay } from "./_pointer.ts";
import { type GatewayProcess, startGatewayProcess } from "./_gateway_process.ts";
import { killDaemon, restartDaemon } from "./_daemons.ts";
import { leftovers, sessionFootprint } from "./_leftovers.ts";
import { pageView, pictureWithin } from "./_page.ts";
import { FAULT_SEED, faultMoment } from "./_seed.ts";

let cluster: SlurmCluster;
let gateway: GatewayProcess;
let browser: TestBrowser;

Deno.test.beforeAll(async () => {
  cluster = await startSlurmCluster({ nodeName: streamerNodeName() });
  gateway = await startGatewayProcess(cluster);
  browser = await launchBrowser({
    flags: [`--unsafely-treat-insecure-origin-as-secure=${gateway.url.slice(0, -1)}`],
  });
});

Deno.test.afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await cluster?.stop();
});

const sanitizers = { sanitizeOps: false, sanitizeResources: false };

/** A session for a new sleep job, dialling the gateway at `gatewayUrl` (from `runUnder`, e.g. a namespace). */
async function startSession(gatewayUrl: string, runUnder: string[] = []): Promise<TestStream> {
  const jobId = await submitSleepJob(cluster);
  const stream = await startStream({
    geometry: "640x360",
    fps: 15,
    // A moving picture: a static screen sends no new frames to count.
    desktop: TIME_CODE_DESKTOP,
    readyTimeoutMs: 90_000,
    runUnder,
    args: ["--gateway", gatewayUrl],
    env: {
      SLURM_JOB_ID: jobId,
      SELKIES_MUNGE_SOCKET: cluster.mungeSocket,
      SELKIES_SITE_CONFIG: "/nonexistent",
    },
  });
  return {
    ...stream,
    stop: async () => {
      await stream.stop();
      await new Deno.Command("scancel", { args: [jobId], env: cluster.env }).output();
    },
  };
}

async function watch(url: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${url}&transport=websocket&resize=off&giveup=120`);
  await pictureWithin(page, 10, 60_000);
  return page;
}

/** The gateway's count of streamer re-registrations (its /metrics). */
async function tunnelReconnects(): Promise<number> {
  const text = await (await fetch(`${gateway.url}metrics`)).text();
  return Number(/^selkies_gateway_tunnel_reconnects(?:_total)? (\d+)/m.exec(text)?.[1] ?? NaN);
}

function report(fault: string, facts: Record<string, unknown>) {
  console.log(`FAULT ${fault}: ${JSON.stringify({ seed: FAULT_SEED, ...facts })}`);
}

Deno.test({
  name: "kill -9 the gateway, start it again: the streamer re-registers, the page reconnects",
  ...sanitizers,
}, async () => {
  const stream = await startSession(gateway.url);
  const footprint = sessionFootprint(stream.pid);
  try {
    const page = await watch(stream.url);
    const faultAtMs = await faultMoment();
    await gateway.kill();
    const down = await waitFor("the page to notice", async () => {
      const view = await pageView(page);
      return view.message !== null && view;
    }, { timeoutMs: 30_000, intervalMs: 100 });
    const restarted = Date.now();
    await gateway.start();
    await pictureWithin(page, 10, 90_000);
    const view = await waitFor("the status to say connected", async () => {
      const view = await pageView(page);
      return /· connected$/.test(view.status) && view;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    assert.equal(view.endTitle, null, "a gateway restart is no end of the session");
    report("gateway", {
      faultAtMs,
      whileDown: down.message,
      restartToPictureMs: Date.now() - restarted,
      status: view.status,
    });
    await page.close();
  } finally {
    await stream.stop();
  }
  assert.deepEqual(await leftovers(footprint, 10_000), { processes: [], dirs: [], sockets: [] });
});

async function inside(ns: NetNamespace, command: string, args: string[]): Promise<string> {
  const out = await ns.command(command, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder();
  return out.success ? text.decode(out.stdout) : `error: ${text.decode(out.stderr).trim()}`;
}

/** Drops `lossPercent` of the streamer's packets both ways (iptables' statistic match; 100 drops all). */
async function impair(ns: NetNamespace, lossPercent: number): Promise<void> {
  for (const chain of ["INPUT", "OUTPUT"]) {
    const match = lossPercent >= 100
      ? []
      : ["-m", "statistic", "--mode", "random", "--probability", String(lossPercent / 100)];
    const out = await inside(ns, "iptables", ["-w", "-I", chain, ...match, "-j", "DROP"]);
    assert.ok(!out.startsWith("error:"), out);
  }
}

/** Removes every impairment of the streamer's link. */
async function restore(ns: NetNamespace): Promise<void> {
  for (const chain of ["INPUT", "OUTPUT"]) await inside(ns, "iptables", ["-w", "-F", chain]);
}

Deno.test({
  name: "5 % loss, then a 10 s outage between node and gateway: the picture recovers",
  ...sanitizers,
}, async () => {
  await using ns = await createNetNamespace();
  const stream = await startSession(`http://${ns.hostIp}:${gateway.port}/`, ns.enter);
  const footprint = sessionFootprint(stream.pid);
  try {
    const page = await watch(stream.url);
    const reconnectsBefore = await tunnelReconnects();
    const faultAtMs = await faultMoment();
    await impair(ns, 5);
    const lossyMs = await pictureWithin(page, 15, 90_000);
    const lossy = await pageView(page);
    await restore(ns);
    await impair(ns, 100);
    // The outage itself lasts 10 s (the fault, not a wait for a condition).
    await delay(10_000);
    const during = await pageView(page);
    await restore(ns);
    const restored = Date.now();
    const recoveryMs = await pictureWithin(page, 10, 120_000);
    const after = await pageView(page);
    report("network", {
      faultAtMs,
      impaired: { loss: "5%", "15 frames in ms": lossyMs, status: lossy.status },
      outage: { status: during.status, message: during.message, end: during.endTitle },
      tunnelReconnects: await tunnelReconnects() - reconnectsBefore,
      afterOutage: { toPictureMs: recoveryMs, sinceRestoredMs: Date.now() - restored, end: after.endTitle },
    });
    assert.equal(after.endTitle, null, "a 10 s outage is no end of the session");
    await page.close();
  } finally {
    await stream.stop();
  }
  assert.deepEqual(await leftovers(footprint, 10_000), { processes: [], dirs: [], sockets: [] });
});

/** Delays to add, ms (`SELKIES_FAULT_DELAYS=50,150,300` for the table; one in CI). */
const DELAYS = (Deno.env.get("SELKIES_FAULT_DELAYS") ?? "150").split(",").map(Number);

Deno.test({
  name: "a delayed link between node and gateway (userspace relay): picture, input and connection hold",
  ...sanitizers,
}, async () => {
  await using relay = startDelayRelay({ hostname: "127.0.0.1", port: gateway.port }, 0);
  const stream = await startSession(`http://127.0.0.1:${relay.port}/`);
  const footprint = sessionFootprint(stream.pid);
  try {
    const display = sessionDisplay(footprint.pids);
    const page = await watch(stream.url);
    await installFrameAge(page);
    const reconnectsBefore = await tunnelReconnects();
    const faultAtMs = await faultMoment();
    const rows = [];
    // Undelayed first: the baseline of the same session.
    for (const [step, delayMs] of [0, ...DELAYS].entries()) {
      relay.delayMs = delayMs;
      const framesMs = await pictureWithin(page, 15, 60_000);
      const window = await measureFrameAge(page, 4000);
      const inputMs = await pointerLatency(page, display, step);
      const view = await pageView(page);
      rows.push({
        delayMs,
        "g2g p50 ms": Math.round(percentile(window.ages, 50)),
        "g2g p95 ms": Math.round(percentile(window.ages, 95)),
        fps: Math.round(window.fps * 10) / 10,
        "15 frames in ms": framesMs,
        "pointer to X ms": Math.round(inputMs),
        status: view.status,
        message: view.message,
        endTitle: view.endTitle,
      });
    }
    const reconnects = await tunnelReconnects() - reconnectsBefore;
    report("network delay (userspace relay)", { faultAtMs, rows, tunnelReconnects: reconnects });
    for (const row of rows) {
      assert.equal(row.endTitle, null, `no end screen with ${row.delayMs} ms`);
      assert.equal(row.message, null, `no message with ${row.delayMs} ms`);
      // Lower bounds (load only adds): what crosses the relay waits its delay, so the relay is in the path.
      assert.ok(row["pointer to X ms"] >= row.delayMs, JSON.stringify(row));
      assert.ok(row["g2g p50 ms"] >= row.delayMs, JSON.stringify(row));
    }
    assert.equal(reconnects, 0, "the tunnel held through the delay");
    await page.close();
  } finally {
    await stream.stop();
  }
  assert.deepEqual(await leftovers(footprint, 10_000), { processes: [], dirs: [], sockets: [] });
});

Deno.test({
  name:
    "gateway restarted while munged is down: the streamer keeps trying and re-registers once munged is back",
  ...sanitizers,
}, async () => {
  const stream = await startSession(gateway.url);
  try {
    const page = await watch(stream.url);
    const munged = await killDaemon(cluster, "munged");
    let restarted = false;
    try {
      await gateway.kill();
      await gateway.start();
      // The streamer cannot mint a credential now; give it a few reconnection rounds (its backoff is 2 s).
      await waitFor(
        "the streamer to fail a registration",
        () => /cannot create the MUNGE credential/.test(stream.log()),
        {
          timeoutMs: 30_000,
          intervalMs: 200,
        },
      );
      const during = await pageView(page);
      await restartDaemon(cluster, munged);
      restarted = true;
      const back = Date.now();
      await pictureWithin(page, 10, 60_000);
      report("gateway restart during a munged outage", {
        whileMungeDown: during.message ?? during.status,
        mungeBackToPictureMs: Date.now() - back,
      });
    } finally {
      if (!restarted) await restartDaemon(cluster, munged);
    }
    await page.close();
  } finally {
    await stream.stop();
  }
});
