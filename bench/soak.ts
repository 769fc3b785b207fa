/**
 * Soak benchmark (issue 14): one session streamed through a site gateway (real SLURM + MUNGE, the gateway in its
 * own process, `selkies-hpc stream --gateway` as the job's streamer, the time-code desktop so frames flow) for
 * `--minutes N` (default 30), with one headless Chromium viewer that stays all along (its picture age, read from
 * the time code, per minute) and churn viewers joining and leaving one after another on both transports. At the
 * start and every minute it samples RSS, open fds and threads of the streamer, its media workers (the shared one
 * and those of WebRTC viewers), Xvfb, the desktop, the gateway, slurmctld, slurmd, munged and Chromium (its
 * processes summed). Writes soak.json, soak.svg and soak.md to `--out` (default docs/results/soak;
 * soak.partial.json after every minute until then) and prints the verdict table; at the end it checks that the
 * session left no process, runtime folder or listening socket.
 *
 * The gateway runs as `selkies-hpc gateway` does (V8's young generation capped) under the inspector: after the
 * /proc reading, each minute also reads its RSS and JS heap after a forced GC, which tell live memory from
 * garbage not yet collected.
 *
 * Run: `scripts/deno task bench:soak [--minutes N] [--out DIR] [--snapshots]` (seed of the stays:
 * SELKIES_FAULT_SEED).
 *
 * @module
 */
import { cpus } from "node:os";
import { startSlurmCluster } from "../tests/harness/slurm.ts";
import { streamerNodeName, streamThroughGateway } from "../tests/harness/gateway.ts";
import { launchBrowser } from "../tests/fixtures/browser.ts";
import { installFrameAge, measureFrameAge, TIME_CODE_DESKTOP } from "../tests/fixtures/frame_age.ts";
import { pictureWithin } from "../tests/faults/_page.ts";
import { commandLine, leftovers, processTree, sessionFootprint } from "../tests/faults/_leftovers.ts";
import { FAULT_SEED } from "../tests/faults/_seed.ts";
import { readPidFile } from "../tests/harness/_procs.ts";
import { startInspectedGateway } from "./_churn_gateway.ts";
import { GATEWAY_V8_FLAGS } from "./gateway/process.ts";
import { browserSelector, contentSelector } from "./session_procs.ts";
import { readAllStats } from "./procstat.ts";
import { readProcSamples } from "../streamer/telemetry/proc_stat.ts";
import { type GroupUsage, groupUsage } from "./_soak_procs.ts";
import { startChurn } from "./_soak_viewers.ts";
import { minuteLatency, type SoakMinute, type SoakRecord, writeSoak } from "./_soak_report.ts";
import { verdictTable } from "./_soak_summary.ts";

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(name);
  return i >= 0 && Deno.args[i + 1] !== undefined ? Deno.args[i + 1] : fallback;
}

const MINUTES = Number(flag("--minutes", "30"));
const OUT = flag("--out", "docs/results/soak");
const PARTIAL = `${OUT}/soak.partial.json`;
const GEOMETRY = "640x360", FPS = 15;
/**
 * `--snapshots`: V8 heap snapshots of the gateway at minute 2 and at the end, to compare. Taking one raised
 * the gateway's RSS from 86 to 271 MiB, so a run with them says nothing about its RSS.
 */
const SNAPSHOTS = Deno.args.includes("--snapshots");

async function main(): Promise<void> {
  if (!Number.isInteger(MINUTES) || MINUTES < 1) {
    console.error(`--minutes wants a whole number of minutes >= 1, got ${flag("--minutes", "")}`);
    Deno.exit(2);
  }
  const startedAt = new Date().toISOString();
  const cluster = await startSlurmCluster({ nodeName: streamerNodeName() });
  // The gateway in a process of its own: its RSS, fds and threads are its own, not this harness's.
  const gw = await startInspectedGateway({
    mode: "site",
    auth: { mode: "token" },
    mungeSocket: cluster.mungeSocket,
    slurmEnv: cluster.env,
  }, { v8Flags: [...GATEWAY_V8_FLAGS] }).catch(async (error) => {
    await cluster.stop();
    throw error;
  });
  let record: SoakRecord | undefined;
  try {
    const stream = await streamThroughGateway(cluster, gw.url, {
      geometry: GEOMETRY,
      fps: FPS,
      desktop: TIME_CODE_DESKTOP,
      env: { SLURM_CONF: cluster.env.SLURM_CONF },
    });
    const footprint = sessionFootprint(stream.pid);
    const browser = await launchBrowser({
      flags: [`--unsafely-treat-insecure-origin-as-secure=${gw.url.slice(0, -1)}`],
    });
    const minutes: SoakMinute[] = [];
    try {
      const groups = async (): Promise<Record<string, GroupUsage>> => {
        const tree = processTree(stream.pid);
        const all = await readAllStats();
        // The oldest is the shared worker of the WebSocket viewers (the staying viewer opened before any
        // WebRTC page); the others serve one WebRTC viewer each (streamer/media/session.ts).
        const started = readProcSamples();
        const workers = tree.filter((pid) => commandLine(pid).includes("media/worker.ts"))
          .map((pid) => started.find((p) => p.pid === pid))
          .filter((p) => p !== undefined).sort((a, b) => a.startTicks - b.startTicks).map((p) => p.pid);
        const daemon = (file: string) =>
          [readPidFile(`${cluster.dir}/${file}`)].filter((p) => p !== undefined);
        return Object.fromEntries(
          Object.entries({
            streamer: [stream.pid],
            "media worker (shared)": workers.slice(0, 1),
            "media workers (WebRTC)": workers.slice(1),
            Xvfb: tree.filter((pid) => commandLine(pid).split(" ")[0].endsWith("Xvfb")),
            desktop: [...contentSelector()(all)],
            gateway: [gw.pid],
            slurmctld: daemon("var/slurmctld.pid"),
            slurmd: daemon("var/slurmd.pid"),
            munged: daemon("munge/munged.pid"),
            chromium: [...browserSelector(browser.profile)(all)],
          }).map(([name, pids]) => [name, groupUsage(pids)]),
        );
      };
      const stay = await browser.context.newPage();
      await stay.goto(`${stream.url}&transport=websocket&resize=off&giveup=120`);
      await pictureWithin(stay, 10, 60_000);
      await installFrameAge(stay);
      const churn = startChurn(browser.context, stream.url);
      try {
        minutes.push({ minute: 0, groups: await groups(), latency: null, churn: churn.takeMinute() });
        for (let minute = 1; minute <= MINUTES; minute++) {
          const window = await measureFrameAge(stay, 60_000);
          // /proc first, as for every process; then the gateway again after a forced GC (inspector).
          const sample: SoakMinute = {
            minute,
            groups: await groups(),
            latency: minuteLatency(window),
            churn: churn.takeMinute(),
          };
          const gc = await gw.memory(true);
          if (gc.heapUsed !== null) {
            sample.gatewayAfterGc = { rssBytes: gc.rssBytes, heapUsedBytes: gc.heapUsed };
          }
          if (SNAPSHOTS && (minute === 2 || minute === MINUTES)) {
            await Deno.mkdir(OUT, { recursive: true });
            await gw.heapSnapshot(`${OUT}/gateway-minute-${minute}.heapsnapshot`);
          }
          minutes.push(sample);
          // A run that dies at minute 25 keeps what it saw (removed once the full record is written).
          await Deno.mkdir(OUT, { recursive: true });
          await Deno.writeTextFile(PARTIAL, JSON.stringify({ startedAt, seed: FAULT_SEED, minutes }) + "\n");
          const last = minutes.at(-1)!;
          console.log(
            `minute ${minute}/${MINUTES}: p99 ${
              last.latency?.p99 ?? "–"
            } ms, churn ${last.churn.joined} joined, ` +
              `${last.churn.failed} without a picture${
                last.churn.errors.length ? ` (${last.churn.errors[0]})` : ""
              }`,
          );
        }
      } finally {
        await churn.stop();
        await stay.close().catch(() => {});
      }
    } finally {
      await browser.close();
      await stream.stop();
    }
    record = {
      startedAt,
      seed: FAULT_SEED,
      setup: { geometry: GEOMETRY, fps: FPS, desktop: "time code (bench/content)", cpus: cpus().length },
      minutes,
      leftovers: await leftovers(footprint, 15_000),
    };
  } finally {
    await gw.stop();
    await cluster.stop();
  }
  const verdicts = await writeSoak(record, OUT);
  await Deno.remove(PARTIAL).catch(() => {});
  console.log(`\n${verdictTable(verdicts)}\n`);
  console.log(`Left after the end: ${JSON.stringify(record.leftovers)}`);
  console.log(`Wrote ${OUT}/soak.json, ${OUT}/soak.svg and ${OUT}/soak.md`);
}

// Only as a program: importing this module (a doc test, a type check) must not start a cluster.
if (import.meta.main) await main();
