/**
 * Gateway benchmark: relay throughput per gateway core, added latency (gateway vs direct
 * WebSocket, same run) and memory per idle tunnel, against a real SLURM job and munged.
 * Run: `scripts/deno task bench:gateway` (or `scripts/deno run -A bench/gateway.ts [--tunnels N]`).
 *
 * @module
 */
import { cpus, hostname, userInfo } from "node:os";
import { startSlurmCluster } from "../tests/harness/slurm.ts";
import { startGatewayProcess } from "./gateway/process.ts";
import { submitSleepJob } from "../tests/harness/gateway.ts";
import { type BenchJob, directPair, gatewayPair, registerTunnel, type StreamPair } from "./gateway/_peers.ts";
import { measureLatency, measureThroughput, rssBytes } from "./gateway/measure.ts";
import { startCpuMeter } from "./cpu_meter.ts";
import { delay } from "../tests/fixtures/async.ts";
import { percentile } from "./stats.ts";

const TUNNELS = Number(Deno.args[Deno.args.indexOf("--tunnels") + 1]) || 200;
const SECONDS = Number(Deno.args[Deno.args.indexOf("--seconds") + 1]) || 5;

async function latencyRow(name: string, pair: StreamPair) {
  await measureLatency(pair, { count: 100 }); // warm-up
  const samples = await measureLatency(pair, { count: 1000 });
  pair.close();
  return { name, p50: percentile(samples, 50), p99: percentile(samples, 99), n: samples.length };
}

/** Runs every measurement against one cluster and gateway process and prints the table. */
async function main(): Promise<void> {
  const cluster = await startSlurmCluster({ nodeName: hostname().split(".")[0] });
  const gw = await startGatewayProcess({
    mode: "site",
    auth: { mode: "token" },
    mungeSocket: cluster.mungeSocket,
    slurmEnv: cluster.env,
  });
  try {
    const job: BenchJob = {
      gatewayUrl: gw.url,
      jobId: await submitSleepJob(cluster),
      node: hostname().split(".")[0],
      user: userInfo().username,
      mungeSocket: cluster.mungeSocket,
    };
    const rows: string[][] = [];

    // Memory per idle tunnel first, on a fresh process: RSS delta (after a GC) for N registered tunnels.
    const settledRss = async () => {
      Deno.kill(gw.pid, "SIGUSR1");
      await delay(1000);
      return await rssBytes(gw.pid);
    };
    const registerAll = async () => {
      const tunnels = [];
      for (let i = 0; i < TUNNELS; i += 20) {
        const batch = Array.from({ length: Math.min(20, TUNNELS - i) }, () => registerTunnel(job, () => {}));
        tunnels.push(...await Promise.all(batch));
      }
      return tunnels;
    };
    const rssCold = await settledRss();
    // A first round grows the allocator (verification spawns unmunge and scontrol per registration) and
    // RSS never shrinks back; measure a second round on the warmed process too.
    let tunnels = await registerAll();
    const rssFirst = await settledRss();
    for (const { tunnel } of tunnels) tunnel.close();
    await delay(1000);
    const rss0 = await settledRss();
    tunnels = await registerAll();
    await delay(1000);
    const rss1 = await settledRss();
    for (const { tunnel } of tunnels) tunnel.close();
    rows.push([
      `RSS per idle tunnel, first ${TUNNELS} on a fresh gateway`,
      `${((rssFirst - rssCold) / TUNNELS / 1024).toFixed(1)} KiB`,
    ]);
    rows.push([
      `RSS per idle tunnel, ${TUNNELS} more on a warmed gateway`,
      `${((rss1 - rss0) / TUNNELS / 1024).toFixed(1)} KiB`,
    ]);
    rows.push([
      "gateway RSS fresh / first round / warmed + tunnels",
      `${[rssCold, rssFirst, rss1].map((b) => (b / 2 ** 20).toFixed(1)).join(" / ")} MiB`,
    ]);

    // Throughput: gateway CPU time over the run, and the same push over a direct socket for reference.
    const relayed = await gatewayPair(job);
    await measureThroughput(relayed, { seconds: 1 });
    // The box may be shared: three runs, medians reported.
    const runs: { rate: number; core: number; perCore: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const meter = await startCpuMeter(() => new Set([gw.pid]));
      const t = await measureThroughput(relayed, { seconds: SECONDS });
      const core = (await meter.stop()) / 100;
      const mbit = (t.bytes * 8) / 1e6;
      runs.push({ rate: mbit / t.seconds, core, perCore: mbit / (core * t.seconds) });
    }
    relayed.close();
    const median = (key: "rate" | "core" | "perCore") => percentile(runs.map((r) => r[key]), 50);
    rows.push(["relay throughput (64 KiB frames, median of 3)", `${median("rate").toFixed(0)} Mbit/s`]);
    rows.push(["gateway CPU during it", `${(median("core") * 100).toFixed(0)} % of a core`]);
    rows.push(["throughput per gateway core", `${median("perCore").toFixed(0)} Mbit/s per CPU-second`]);
    const direct = await directPair();
    const d = await measureThroughput(direct, { seconds: SECONDS });
    direct.close();
    rows.push([
      "direct WebSocket throughput (same process)",
      `${((d.bytes * 8) / 1e6 / d.seconds).toFixed(0)} Mbit/s`,
    ]);

    // Latency of 4 KiB frames at 200/s, both paths in the same run.
    const viaGateway = await latencyRow("through the gateway", await gatewayPair(job));
    const viaDirect = await latencyRow("direct WebSocket", await directPair());
    for (const r of [viaDirect, viaGateway]) {
      rows.push([`latency ${r.name} p50 / p99`, `${r.p50.toFixed(2)} / ${r.p99.toFixed(2)} ms (n=${r.n})`]);
    }
    rows.push([
      "added by the gateway p50 / p99",
      `${(viaGateway.p50 - viaDirect.p50).toFixed(2)} / ${(viaGateway.p99 - viaDirect.p99).toFixed(2)} ms`,
    ]);

    const cpuModel = cpus()[0]?.model ?? "unknown CPU";
    console.log(
      `\nGateway benchmark on ${cpus().length} x ${cpuModel} (gateway, clients and SLURM on one box)\n`,
    );
    console.log("| measure | value |\n| --- | --- |");
    for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  } finally {
    await gw.stop();
    await cluster.stop();
  }
}

// Only as a program: importing this module (a doc test, a type check) must not start a cluster.
if (import.meta.main) await main();
