/**
 * Gateway churn benchmark (issue 14, the gateway's RSS in the soak): one gateway process (SLURM + MUNGE verify
 * its tunnel), one synthetic streamer registered through a tunnel that sends paced video to every viewer, and
 * `--churns N` (2000) viewers that sign in, load the page, take a few frames and leave, `--parallel P` (4) at a
 * time. Every `--every K` (100) churns, and once more after `--settle S` (10) idle seconds at the end, it reads
 * the gateway's memory after a forced GC: RSS, anonymous memory, JS heap, external memory, fds, threads and CPU
 * time (so the growth per churn and the CPU per churn). `--snapshots` writes V8 heap snapshots at the first
 * sample after the start and at the end; `--no-inspect` runs the gateway without the inspector (RSS without
 * its cost; no JS heap figures); `--no-gc` reads without collecting garbage first (what the soak sees). Writes churn.json and churn.svg to `--out` (default docs/results/gateway_churn).
 *
 * `--frames F` (3) video frames per viewer and `--bitrate B` (1e6, 15 fps) turn it into a relay load instead.
 *
 * Run: `scripts/deno task bench:churn [--churns N] [--every K] [--parallel P] [--settle S] [--no-pages]
 * [--snapshots] [--no-inspect] [--no-gc] [--out DIR]`; more for the gateway: `--gateway-env MALLOC_ARENA_MAX=2`,
 * `--gateway-v8-flag --max-semi-space-size=1` (each repeatable).
 *
 * @module
 */
import { loadavg, userInfo } from "node:os";
import { startSlurmCluster } from "../tests/harness/slurm.ts";
import { submitSleepJob } from "../tests/harness/gateway.ts";
import { delay } from "../tests/fixtures/async.ts";
import { registerTunnel } from "./gateway/_peers.ts";
import { type GatewayMemory, startInspectedGateway } from "./_churn_gateway.ts";
import { churnViewer } from "./_churn_viewer.ts";
import { type PacedSender, startPacedSender } from "./_scale_stream.ts";
import { soakSvg } from "./_soak_svg.ts";

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(name);
  return i >= 0 && Deno.args[i + 1] !== undefined ? Deno.args[i + 1] : fallback;
}

const CHURNS = Number(flag("--churns", "2000")), EVERY = Number(flag("--every", "100"));
const PARALLEL = Number(flag("--parallel", "4")), SETTLE_S = Number(flag("--settle", "10"));
const OUT = flag("--out", "docs/results/gateway_churn");
const PAGES = !Deno.args.includes("--no-pages"), SNAPSHOTS = Deno.args.includes("--snapshots");
const FRAMES = Number(flag("--frames", "3")), BITRATE = Number(flag("--bitrate", "1000000"));
const INSPECT = !Deno.args.includes("--no-inspect"), GC = !Deno.args.includes("--no-gc");
const V8_FLAGS = Deno.args.flatMap((a, i) => Deno.args[i - 1] === "--gateway-v8-flag" ? [a] : []);
const GATEWAY_ENV = Object.fromEntries(
  Deno.args.flatMap((a, i) => Deno.args[i - 1] === "--gateway-env" ? [a.split("=", 2)] : []),
);

/** One reading of the gateway. */
interface Sample extends GatewayMemory {
  /** Viewers that had joined and left when it was read. */
  churns: number;
  /** Load average (1 min) of the box then. */
  load: number;
}

const mib = (b: number) => (b / 2 ** 20).toFixed(1);

function line(s: Sample): string {
  const heap = s.heapUsed === null
    ? "no inspector"
    : `heap ${mib(s.heapUsed)}/${mib(s.heapTotal!)}, external ${mib(s.external!)}`;
  return `${String(s.churns).padStart(6)} churns: RSS ${mib(s.rssBytes)} MiB, anon ${
    mib(s.anonBytes)
  }, ${heap}, fds ${s.fds}, ` +
    `threads ${s.threads}, CPU ${s.cpuSeconds.toFixed(1)} s, load ${s.load.toFixed(2)}`;
}

async function main(): Promise<void> {
  const cluster = await startSlurmCluster();
  const senders: PacedSender[] = [];
  const samples: Sample[] = [];
  let failures = 0, relayed = 0;
  const errors: string[] = [];
  try {
    const gw = await startInspectedGateway({
      mode: "site",
      auth: { mode: "token" },
      mungeSocket: cluster.mungeSocket,
      slurmEnv: cluster.env,
    }, { env: GATEWAY_ENV, inspect: INSPECT, v8Flags: V8_FLAGS });
    try {
      const job = {
        gatewayUrl: gw.url,
        jobId: await submitSleepJob(cluster),
        node: cluster.nodeName,
        user: userInfo().username,
        mungeSocket: cluster.mungeSocket,
      };
      const { tunnel, sessionUrl, token } = await registerTunnel(job, (viewer) => {
        // 640x360-ish at 15 fps, as the soak's session.
        const sender = startPacedSender(viewer, { bitrate: BITRATE, fps: 15, gop: 30 });
        senders.push(sender);
        viewer.onClose(() => {
          sender.stop();
          senders.splice(senders.indexOf(sender), 1);
        });
      });
      const sample = async (churns: number) => {
        const s = { churns, load: loadavg()[0], ...await gw.memory(GC) };
        samples.push(s);
        console.log(line(s));
      };
      await sample(0);
      let done = 0, started = 0;
      const worker = async () => {
        while (started < CHURNS) {
          started++;
          try {
            await churnViewer(sessionUrl, token, { pages: PAGES, frames: FRAMES });
          } catch (error) {
            failures++;
            if (errors.length < 5) errors.push(String(error));
          }
          done++;
          // The sample waits for this worker only; the others go on (churn does not stop for it).
          if (done % EVERY === 0) await sample(done);
          // The first after warm-up: compared with the last, what is left is what churn keeps.
          if (SNAPSHOTS && done === EVERY) await gw.heapSnapshot(`${await outDir()}/first.heapsnapshot`);
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      await delay(SETTLE_S * 1000);
      await sample(done);
      relayed = await relayedBytes(gw.url);
      if (SNAPSHOTS) await gw.heapSnapshot(`${await outDir()}/last.heapsnapshot`);
      tunnel.close();
    } finally {
      for (const s of senders) s.stop();
      await gw.stop();
    }
  } finally {
    await cluster.stop();
  }
  await report(samples, failures, errors, relayed);
}

async function outDir(): Promise<string> {
  await Deno.mkdir(OUT, { recursive: true });
  return OUT;
}

/** Bytes the gateway relayed to viewers (its /metrics). */
async function relayedBytes(url: string): Promise<number> {
  const text = await (await fetch(`${url}metrics`)).text();
  return Number(/^selkies_gateway_relayed_bytes_to_viewers_total (\d+)/m.exec(text)?.[1] ?? 0);
}

async function report(samples: Sample[], failures: number, errors: string[], relayed: number): Promise<void> {
  const [first, last] = [samples[0], samples.at(-1)!];
  // From the second sample: the first hundred churns grow the allocators and JIT for good.
  const warm = samples[Math.min(1, samples.length - 1)];
  const perChurn = (a: Sample, b: Sample, key: "rssBytes" | "anonBytes" | "heapUsed" | "external") =>
    b.churns > a.churns && a[key] !== null
      ? ((b[key]! - a[key]!) / (b.churns - a.churns) / 1024).toFixed(2)
      : "–";
  const summary = {
    churns: last.churns,
    failures,
    errors,
    parallel: PARALLEL,
    pages: PAGES,
    gatewayEnv: GATEWAY_ENV,
    gatewayV8Flags: V8_FLAGS,
    inspector: INSPECT,
    forcedGc: GC,
    rssKiBPerChurnAfterWarmup: perChurn(warm, last, "rssBytes"),
    anonKiBPerChurnAfterWarmup: perChurn(warm, last, "anonBytes"),
    heapKiBPerChurnAfterWarmup: perChurn(warm, last, "heapUsed"),
    externalKiBPerChurnAfterWarmup: perChurn(warm, last, "external"),
    relayedMiB: Math.round(relayed / 2 ** 20),
    cpuMsPerRelayedMiB: ((last.cpuSeconds - first.cpuSeconds) * 1000 / Math.max(1, relayed / 2 ** 20))
      .toFixed(1),
    cpuMsPerChurn: ((last.cpuSeconds - first.cpuSeconds) * 1000 / Math.max(1, last.churns)).toFixed(2),
  };
  const dir = await outDir();
  await Deno.writeTextFile(`${dir}/churn.json`, JSON.stringify({ summary, samples }, null, 1) + "\n");
  const series = (name: string, pick: (s: Sample) => number | null) => ({
    name,
    kind: "rss" as const,
    values: samples.map(pick),
  });
  await Deno.writeTextFile(
    `${dir}/churn.svg`,
    soakSvg(
      [
        series("gateway RSS (MiB)", (s) => s.rssBytes / 2 ** 20),
        series("anonymous (MiB)", (s) => s.anonBytes / 2 ** 20),
        series("JS heap used (MiB)", (s) => s.heapUsed === null ? null : s.heapUsed / 2 ** 20),
        series("JS heap reserved (MiB)", (s) => s.heapTotal === null ? null : s.heapTotal / 2 ** 20),
        series("fds", (s) => s.fds),
        series("threads", (s) => s.threads),
      ],
      new Set(),
      `gateway${
        GC ? " after a forced GC" : ""
      }, every ${EVERY} churned viewers (x: samples; the last after ${SETTLE_S} s idle); ` +
        `${last.churns} churns, ${PARALLEL} at a time${PAGES ? ", page loads" : ""}`,
      "sample",
    ),
  );
  console.log(JSON.stringify(summary, null, 1));
  console.log(`Wrote ${dir}/churn.json and ${dir}/churn.svg`);
}

// Only as a program: importing this module (a doc test, a type check) must not start a cluster.
if (import.meta.main) await main();
