/**
 * Job telemetry against real parts: a session job under the real SLURM harness (`selkies-hpc submit --mem`)
 * whose desktop app holds a known amount of memory and then spins: the figures its viewers get match what
 * /proc says of the job's processes, the limit is the job's --mem, the memory warning comes past 90 % (by the
 * session's own accounting: this box has no cgroup v2) and reaches the job log, the CPU figure rises for the
 * busy loop, and /metrics carries the same gauges. And a real session viewed by Chromium: the panel shows the
 * figures when toggled by its shortcut, its button, or `?telemetry=1`.
 */
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import type { TelemetryMessage } from "../protocol/telemetry.ts";
import type { ServerMessage } from "../protocol/protocol.ts";
import { nodeMemory } from "../streamer/telemetry/limits.ts";
import { formatBytes } from "../web/client/telemetry_panel.ts";
import { isAlive, type SlurmCluster, startSlurmCluster } from "./harness/mod.ts";
import { waitFor } from "./fixtures/async.ts";
import { cliUser } from "./fixtures/cli_user.ts";
import { connectViewer, startViewedSession } from "./fixtures/session.ts";

const MIB = 1024 * 1024;

/** The desktop's app: holds memory and spins when the test drops a file in its control folder. */
const HOG = `
import os, sys, time
ctl = sys.argv[1]
held = []
done = set()
while True:
    for name in sorted(os.listdir(ctl)):
        if name in done:
            continue
        done.add(name)
        if name.startswith("alloc-"):
            b = bytearray(int(name[6:]) << 20)
            b[::4096] = b"\\x01" * len(range(0, len(b), 4096))
            held.append(b)
            open(os.path.join(ctl, "done-" + name), "w").close()
        elif name == "spin":
            while True:
                pass
    time.sleep(0.1)
`;

/** `VmRSS` of each live process of the job (environment: this job id and this cluster's config), bytes. */
async function jobRss(cluster: SlurmCluster, jobId: string): Promise<Map<number, number>> {
  const wanted = [`SLURM_JOB_ID=${jobId}`, `SLURM_CONF=${cluster.confPath}`];
  const out = new Map<number, number>();
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const env = new TextDecoder().decode(await Deno.readFile(`/proc/${entry.name}/environ`)).split("\0");
      if (!wanted.every((w) => env.includes(w))) continue;
      const status = await Deno.readTextFile(`/proc/${entry.name}/status`);
      out.set(Number(entry.name), Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024);
    } catch {
      // Gone, or a kernel thread.
    }
  }
  return out;
}

const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

Deno.test({
  name: "telemetry of a SLURM session job: memory as /proc says, the --mem limit, the warning, CPU, /metrics",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const cluster = await startSlurmCluster();
    const user = await cliUser({
      clusterEnv: cluster.env,
      partition: cluster.partition,
      prefix: "selkies-telemetry-home-",
    });
    // The job runs as this user; the control folder and the app live where the job can read them.
    const ctl = await Deno.makeTempDir({ dir: cluster.jobDir, prefix: "hog-" });
    const hog = `${cluster.jobDir}/hog.py`;
    await Deno.writeTextFile(hog, HOG);
    const cli = user.cli;
    let jobId = "";
    let viewer: ReturnType<typeof connectViewer> | undefined;
    try {
      const sub = await user.submit(
        "00:10:00",
        "--mem",
        "1000M",
        "--geometry",
        "640x480",
        "--app",
        `python3 ${hog} ${ctl}`,
        "--timeout",
        "120",
      );
      assert.equal(sub.code, 0, `${sub.stderr}\n${cluster.logs().slice(-2000)}`);
      const result = JSON.parse(sub.stdout) as { jobId: string; url: string; sessionDir: string };
      jobId = result.jobId;
      const url = new URL(result.url);
      url.hostname = "127.0.0.1"; // this box is the node
      const token = url.searchParams.get("token")!;
      viewer = connectViewer({ url: url.href, token });
      await viewer.opened;
      const messages = viewer.messages;
      const samples = () => messages.filter((m): m is TelemetryMessage => m.t === "telemetry");
      /** The next sample after now that satisfies `check`. */
      const nextSample = (what: string, check: (m: TelemetryMessage) => boolean = () => true) => {
        const from = samples().length;
        return waitFor(what, () => samples().slice(from).find(check), { timeoutMs: 45_000, intervalMs: 100 });
      };

      const first = await nextSample("a telemetry sample");
      assert.equal(first.node, cluster.nodeName);
      assert.equal(first.source, "processes", "this box has no cgroup v2: the session's processes");
      assert.deepEqual(first.memory.limitSource, "slurm");
      assert.equal(first.memory.limitBytes, 1000 * MIB, "the job's --mem 1000M");
      assert.equal(first.cpu.allocatedCores, 4, "the job's CPUs (--cpus-per-task defaults to 4)");
      assert.ok(!("gpus" in first), "no nvidia-smi here: no GPU section");

      // The session's figure against /proc's VmRSS of the job's processes, taken right after a sample. The job
      // also runs its batch shell (supervise.sh), which the session does not count: a few MiB.
      const compare = async (what: string) => {
        const sample = await nextSample(`a sample (${what})`);
        const rss = await jobRss(cluster, jobId);
        const total = sum(rss);
        const diff = total - sample.memory.usedBytes;
        assert.ok(
          diff > -16 * MIB && diff < 24 * MIB + 0.05 * total,
          `${what}: telemetry ${(sample.memory.usedBytes / MIB).toFixed(1)} MiB, /proc ${
            (total / MIB).toFixed(1)
          } ` +
            `MiB over ${rss.size} processes`,
        );
        console.log(
          `${what}: telemetry ${(sample.memory.usedBytes / MIB).toFixed(1)} MiB, /proc ${
            (total / MIB).toFixed(1)
          } MiB`,
        );
        return sample;
      };
      const base = await compare("idle desktop");

      // 200 MiB more, touched: the figure rises by that much and still matches /proc.
      await Deno.writeTextFile(`${ctl}/alloc-200`, "");
      await waitFor(
        "the app to hold 200 MiB",
        () => Deno.stat(`${ctl}/done-alloc-200`).then(() => 1, () => 0),
        {
          timeoutMs: 30_000,
        },
      );
      const grown = await compare("200 MiB held");
      const rise = grown.memory.usedBytes - base.memory.usedBytes;
      console.log(`200 MiB held: the figure rose by ${(rise / MIB).toFixed(1)} MiB`);
      assert.ok(rise > 190 * MIB && rise < 240 * MIB, `the figure rose by ${(rise / MIB).toFixed(1)} MiB`);
      assert.ok(
        !messages.some((m) => m.t === "notice" && /Memory/.test(m.message)),
        "no warning below 90 % of the limit",
      );

      // Past 90 % of --mem by the session's own accounting: one notice to the viewers, one line in the job log.
      const more = Math.ceil((0.95 * grown.memory.limitBytes - grown.memory.usedBytes) / MIB);
      assert.ok(more > 0, `the session already uses ${grown.memory.usedBytes} bytes`);
      await Deno.writeTextFile(`${ctl}/alloc-${more}`, "");
      const notice = await waitFor(
        "the memory warning",
        () => messages.find((m): m is Extract<ServerMessage, { t: "notice" }> => m.t === "notice"),
        { timeoutMs: 45_000, intervalMs: 100 },
      );
      assert.match(
        notice.message,
        /^Memory is almost full: 0\.9\d of 0\.98 GiB \(9\d %, limit from the job's --mem\)/,
      );
      const log = await waitFor("the warning in the job log", async () => {
        const text = await Deno.readTextFile(`${result.sessionDir}/job.log`).catch(() => "");
        return /Memory is almost full/.test(text) ? text : undefined;
      }, { timeoutMs: 10_000 });
      assert.equal(log.match(/Memory is almost full/g)!.length, 1, "logged once");

      // A busy loop: the CPU figure rises (a fair share of a core on a loaded box, not a rate).
      const idleCores = (await nextSample("an idle CPU sample")).cpu.usedCores;
      await Deno.writeTextFile(`${ctl}/spin`, "");
      const busy = await nextSample("the busy loop's CPU", (m) => m.cpu.usedCores >= idleCores + 0.3);
      console.log(`CPU: ${idleCores} cores at rest, ${busy.cpu.usedCores} with the busy loop`);
      assert.equal(
        messages.filter((m) => m.t === "notice" && /Memory is almost full/.test(m.message)).length,
        1,
        "warned once while memory stays high",
      );

      // /metrics: the same figures, for a site's Prometheus.
      const metricsUrl = new URL("metrics", url);
      metricsUrl.search = "";
      const response = await fetch(metricsUrl, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      const metrics = await response.text();
      const gauge = (name: string) => Number(new RegExp(`^${name} ([0-9.e+]+)$`, "m").exec(metrics)?.[1]);
      assert.match(
        metrics,
        new RegExp(`^selkies_job_info\\{node="${cluster.nodeName}",source="processes"\\} 1$`, "m"),
      );
      assert.match(metrics, /^selkies_job_memory_limit_bytes\{source="slurm"\} 1048576000$/m);
      assert.equal(gauge("selkies_job_cpu_allocated_cores"), 4);
      assert.ok(gauge("selkies_job_cpu_used_cores") > 0, metrics);
      const used = gauge("selkies_job_memory_used_bytes");
      assert.ok(used > 0.9 * 1000 * MIB && used < 1100 * MIB, `memory used ${used}`);
      assert.match(metrics, /^# HELP selkies_job_memory_used_bytes /m);
    } finally {
      viewer?.socket.close();
      if (jobId) {
        await cli("cancel", jobId);
        const pids = [...(await jobRss(cluster, jobId)).keys()];
        await waitFor("the job's processes to end", () => pids.every((p) => !isAlive(p)), 30_000).catch(
          () => {},
        );
      }
      await cluster.stop();
      await user.remove();
    }
  },
});

Deno.test({
  name: "the telemetry panel shows the job's figures when toggled (shortcut, button, ?telemetry=1)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using viewed = await startViewedSession({ desktop: "exec sleep 600", geometry: "800x600" });
    const { session, page } = viewed;
    await page.goto(`${session.url}&transport=websocket&resize=off`);
    const panel = page.locator("#telemetry-panel");
    await page.waitForFunction(() =>
      (globalThis as unknown as { selkiesStats: { connected: boolean } }).selkiesStats?.connected
    );
    assert.equal(await panel.isVisible(), false, "hidden until asked for");
    await page.locator("#stage").focus();
    await page.keyboard.press("Control+Alt+Shift+KeyT");
    await panel.waitFor({ state: "visible", timeout: 10_000 });
    // The first sample comes within half a second of the viewer joining; the next every 2 s.
    await page.waitForFunction(
      () => document.querySelector("#telemetry-panel dt")?.textContent === "Node",
      null,
      {
        timeout: 20_000,
      },
    );
    const rows = Object.fromEntries(
      await panel.locator("dt").evaluateAll((dts) =>
        dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])
      ),
    ) as Record<string, string>;
    const node = Deno.hostname().split(".")[0];
    assert.equal(rows.Node, node);
    const cores = availableParallelism();
    assert.match(rows.CPU, new RegExp(`^\\d+ % of ${cores} cores?$`));
    // No job here: the limit is the node's memory; the use is this process's tree (the test, its Chromium,
    // the session's X server and workers).
    const limit = formatBytes(nodeMemory(await Deno.readTextFile("/proc/meminfo"))!);
    assert.match(rows.Memory, new RegExp(`^[0-9.]+ (MiB|GiB) of ${limit.replace(".", "\\.")} \\(\\d+ %\\)$`));
    assert.equal(rows.GPUs, undefined, "no nvidia-smi here: no GPU line and no error");

    await page.locator("#telemetry").click();
    await panel.waitFor({ state: "hidden", timeout: 5_000 });
    await page.locator("#telemetry").click();
    await panel.waitFor({ state: "visible", timeout: 5_000 });

    const flagged = await viewed.browser.context.newPage();
    await flagged.goto(`${session.url}&transport=websocket&resize=off&telemetry=1`);
    await flagged.locator("#telemetry-panel").waitFor({ state: "visible", timeout: 10_000 });
    await flagged.waitForFunction(
      () => /of \d+ core/.test(document.querySelector("#telemetry-panel")?.textContent ?? ""),
      null,
      {
        timeout: 20_000,
      },
    );
    await flagged.close();

    // The page and this test's viewers watch: /metrics has the figures too.
    const metricsUrl = new URL("metrics", session.url);
    metricsUrl.search = "";
    const metrics = await (await fetch(metricsUrl, { headers: { authorization: `Bearer ${session.token}` } }))
      .text();
    assert.match(metrics, new RegExp(`^selkies_job_cpu_allocated_cores ${cores}$`, "m"));
    assert.match(metrics, /^selkies_job_memory_limit_bytes\{source="node"\} \d+$/m);
  },
});
