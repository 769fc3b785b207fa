/**
 * Scale benchmark, one run against a real SLURM cluster and munged (every registration verified):
 * 1. Many jobs: how many sleep jobs this box's slurmctld/slurmd run (`--jobs`, default 500).
 * 2. One gateway process: a baseline of 1 tunnel / 1 stream, then `--tunnels` (500) registered tunnels
 *    spread over those jobs with `--streams` (50) of them streaming 5 Mbit/s to acknowledging viewers:
 *    gateway CPU, RSS per tunnel, frame age on arrival p50/p99 and the per-stream delivered rates.
 * 3. Two gateways behind nginx (consistent hashing on the session id): `--ha-sessions` (100) sessions, one
 *    gateway SIGKILLed, the time until each of its sessions re-registered with the survivor.
 * Run: `scripts/deno task bench:scale [--jobs N] [--tunnels N] [--streams N] [--seconds S] [--ha-sessions N]`.
 *
 * @module
 */
import { cpus, loadavg, userInfo } from "node:os";
import { startSlurmCluster } from "../tests/harness/slurm.ts";
import { delay } from "../tests/fixtures/async.ts";
import { type BenchJob, registerTunnel } from "./gateway/_peers.ts";
import { type GatewayProcess, startGatewayProcess } from "./gateway/process.ts";
import { rssBytes } from "./gateway/measure.ts";
import { startCpuMeter } from "./cpu_meter.ts";
import { percentile } from "./stats.ts";
import { openSyntheticViewer, type PacedSender, startPacedSender } from "./_scale_stream.ts";
import { benchJob, holderOf, registerEchoSessions, startGatewayPair } from "./_scale_ha.ts";
import { runningJobs, submitMany } from "./_scale_jobs.ts";

const flag = (name: string, fallback: number) => {
  const i = Deno.args.indexOf(name);
  return i >= 0 && Number(Deno.args[i + 1]) > 0 ? Number(Deno.args[i + 1]) : fallback;
};
const JOBS = flag("--jobs", 500), TUNNELS = flag("--tunnels", 500), STREAMS = flag("--streams", 50);
const SECONDS = flag("--seconds", 20), HA_SESSIONS = flag("--ha-sessions", 100);
const BITRATE = 5_000_000;

const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** RSS of the gateway after a full GC (SIGUSR1 in bench/gateway/_serve.ts). */
async function settledRss(gw: GatewayProcess): Promise<number> {
  Deno.kill(gw.pid, "SIGUSR1");
  await delay(1000);
  return await rssBytes(gw.pid);
}

interface Tunnel {
  sessionUrl: string;
  token: string;
  close(): void;
}

/** Registers `count` tunnels, round-robin over `jobs`, 20 at a time; each streams to whoever views it. */
async function registerMany(jobs: BenchJob[], count: number, senders: PacedSender[]): Promise<Tunnel[]> {
  const out: Tunnel[] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = Array.from({ length: Math.min(20, count - i) }, async (_, k) => {
      const { tunnel, sessionUrl, token } = await registerTunnel(jobs[(i + k) % jobs.length], (viewer) => {
        const sender = startPacedSender(viewer, { bitrate: BITRATE });
        senders.push(sender);
        viewer.onClose(() => sender.stop());
      });
      return { sessionUrl, token, close: () => tunnel.close() };
    });
    out.push(...await Promise.all(batch));
  }
  return out;
}

/** Streams to one viewer per tunnel for SECONDS after a 3 s warm-up; gateway CPU and per-stream figures. */
async function streamPhase(gw: GatewayProcess, tunnels: Tunnel[]) {
  const viewers = await Promise.all(tunnels.map((t) => openSyntheticViewer(t.sessionUrl, t.token)));
  await delay(3000);
  for (const v of viewers) v.record();
  // The synthetic streamers and viewers all run in this process: its CPU says whether they kept up.
  const meter = await startCpuMeter(() => new Set([gw.pid]));
  const clientMeter = await startCpuMeter(() => new Set([Deno.pid]));
  const t0 = performance.now();
  await delay(SECONDS * 1000);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = await meter.stop(), clientCpu = await clientMeter.stop();
  const stats = viewers.map((v) => v.stats());
  for (const v of viewers) v.close();
  const rates = stats.map((s) => (s.bytes * 8) / seconds / 1e6);
  const ages = stats.flatMap((s) => s.agesMs);
  return {
    cpu,
    clientCpu,
    rates,
    p50: percentile(ages, 50),
    p99: percentile(ages, 99),
    worstStreamP99: Math.max(...stats.map((s) => percentile(s.agesMs, 99))),
    frames: ages.length,
  };
}

async function main(): Promise<void> {
  const loadStart = load();
  const rows: string[][] = [];
  const cluster = await startSlurmCluster({ cpus: JOBS + 8, startTimeoutMs: 60_000 });
  const gws: GatewayProcess[] = [];
  try {
    // 1. How many jobs this cluster runs.
    const s0 = performance.now();
    const submitted = await submitMany(cluster, JOBS);
    const submitS = (performance.now() - s0) / 1000;
    const running = await runningJobs(cluster, submitted.ids, 180_000);
    rows.push([
      `sleep jobs submitted / RUNNING (asked ${JOBS})`,
      `${submitted.ids.length} in ${submitS.toFixed(0)} s / ${running.ids.length} ` +
      `${(running.ms / 1000).toFixed(0)} s later` +
      (submitted.error ? ` (sbatch stopped: ${submitted.error})` : ""),
    ]);
    if (running.ids.length === 0) throw new Error("no job ran");
    const gw = await startGatewayProcess({
      mode: "site",
      auth: { mode: "token" },
      port: 0,
      mungeSocket: cluster.mungeSocket,
      slurmEnv: cluster.env,
    });
    gws.push(gw);
    const jobOf = (jobId: string): BenchJob => ({
      gatewayUrl: gw.url,
      jobId,
      node: cluster.nodeName,
      user: userInfo().username,
      mungeSocket: cluster.mungeSocket,
    });
    const jobs = running.ids.map(jobOf);
    const senders: PacedSender[] = [];

    // 2a. Baseline: 1 tunnel, 1 stream.
    const rssCold = await settledRss(gw);
    const [one] = await registerMany(jobs, 1, senders);
    const base = await streamPhase(gw, [one]);
    one.close();
    await delay(1000);

    // 2b. TUNNELS registered tunnels, STREAMS of them streaming.
    const rss0 = await settledRss(gw);
    const r0 = performance.now();
    const tunnels = await registerMany(jobs, TUNNELS, senders);
    const registerS = (performance.now() - r0) / 1000;
    await delay(1000);
    const rss1 = await settledRss(gw);
    // The first round grows the allocator for good (each verification spawns unmunge and scontrol): a second
    // round on the warmed process shows what a tunnel itself holds. The streams run on the second round.
    for (const t of tunnels) t.close();
    await delay(2000);
    const rss2 = await settledRss(gw);
    const again = await registerMany(jobs, TUNNELS, senders);
    await delay(1000);
    const rss3 = await settledRss(gw);
    const many = await streamPhase(gw, again.slice(0, STREAMS));
    const skipped = senders.reduce((n, s) => n + s.skipped, 0),
      sent = senders.reduce((n, s) => n + s.sent, 0);
    for (const s of senders) s.stop();
    for (const t of again) t.close();
    await gw.stop();
    gws.length = 0;

    rows.push([
      `registering ${TUNNELS} tunnels over ${jobs.length} jobs (MUNGE + SLURM check each)`,
      `${registerS.toFixed(1)} s (${(TUNNELS / registerS).toFixed(0)}/s)`,
    ]);
    rows.push([
      "gateway RSS cold / before / with the tunnels / closed / with them again",
      [rssCold, rss0, rss1, rss2, rss3].map(mib).join(" / "),
    ]);
    const perTunnel = (from: number, to: number) => `${((to - from) / TUNNELS / 1024).toFixed(1)} KiB`;
    rows.push([
      "RSS per idle tunnel: first round on a fresh gateway / again on the warmed one",
      `${perTunnel(rss0, rss1)} / ${perTunnel(rss2, rss3)}`,
    ]);
    for (
      const [name, r, n] of [["baseline 1 tunnel / 1 stream", base, 1], [
        `${TUNNELS} tunnels / ${STREAMS} streams`,
        many,
        STREAMS,
      ]] as const
    ) {
      const sorted = [...r.rates].sort((a, b) => a - b);
      rows.push([
        `${name}: CPU of the gateway / of the synthetic peers' process`,
        `${r.cpu.toFixed(0)} / ${r.clientCpu.toFixed(0)} % of a core`,
      ]);
      rows.push([
        `${name}: frame age on arrival p50 / p99 (worst stream's p99)`,
        `${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} (${r.worstStreamP99.toFixed(1)}) ms, n=${r.frames}`,
      ]);
      rows.push([
        `${name}: delivered Mbit/s per stream min / median / max (of ${n})`,
        `${sorted[0].toFixed(2)} / ${percentile(sorted, 50).toFixed(2)} / ${sorted.at(-1)!.toFixed(2)} ` +
        `(spread ${((sorted.at(-1)! - sorted[0]) / percentile(sorted, 50) * 100).toFixed(1)} %)`,
      ]);
    }
    rows.push([
      "added by scale: p99 frame age, many minus baseline",
      `${(many.p99 - base.p99).toFixed(1)} ms`,
    ]);
    rows.push(["frames skipped by pacing (window full) / sent", `${skipped} / ${sent}`]);

    // 3. Two gateways behind nginx, one killed.
    await using pair = await startGatewayPair(cluster);
    gws.push(...pair.gateways);
    const haJob = await benchJob(cluster, pair.url);
    const sessions = await registerEchoSessions(haJob, HA_SESSIONS);
    const holders = await Promise.all(sessions.map((s) => holderOf(s, pair.directUrls)));
    const victims = sessions.filter((_, i) => holders[i] === 0);
    const killedAt = performance.now();
    Deno.kill(pair.gateways[0].pid, "SIGKILL");
    const deadline = killedAt + 60_000;
    while (performance.now() < deadline && victims.some((s) => s.registeredAt.length < 2)) await delay(50);
    const times = victims.filter((s) => s.registeredAt.length >= 2)
      .map((s) => (s.registeredAt[1] - killedAt) / 1000);
    for (const s of sessions) s.close();
    const within5 = times.filter((t) => t <= 5).length;
    rows.push([
      `HA: ${HA_SESSIONS} sessions over 2 gateways, one SIGKILLed: its sessions re-registered with the survivor`,
      `${times.length} of ${victims.length} (${within5} within 5 s)`,
    ]);
    rows.push([
      "HA: re-registration time after the kill p50 / p99 / max",
      times.length
        ? `${percentile(times, 50).toFixed(2)} / ${percentile(times, 99).toFixed(2)} / ${
          Math.max(...times).toFixed(2)
        } s`
        : "none",
    ]);
    gws.length = 0;
  } finally {
    for (const g of gws) await g.stop();
    await cluster.stop();
  }
  const cpuModel = cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `\nScale benchmark on ${cpus().length} x ${cpuModel} (gateway, synthetic streamers and viewers,`,
  );
  console.log(`SLURM and nginx on one box); load average at start: ${loadStart}, at end: ${load()}\n`);
  console.log("| measure | value |\n| --- | --- |");
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
}

// Only as a program: importing this module (a doc test, a type check) must not start a cluster.
if (import.meta.main) await main();
