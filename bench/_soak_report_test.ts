import assert from "node:assert/strict";
import { groupUsage, parseStatus } from "./_soak_procs.ts";
import { soakMarkdown, type SoakMinute, soakSeries } from "./_soak_report.ts";
import { judgeSoak } from "./_soak_summary.ts";

const churn = (joined: number, failed = 0) => ({
  joined,
  left: joined,
  failed,
  websocket: joined - failed,
  webrtc: 0,
  fallbacks: 0,
  errors: [],
});
const usage = (mib: number, fds: number) => ({ processes: 1, rssBytes: mib * 2 ** 20, threads: 4, fds });

Deno.test("/proc status: VmRSS in kB and Threads; this process has fds and threads", () => {
  assert.deepEqual(parseStatus("Name:\tXvfb\nVmRSS:\t   512 kB\nThreads:\t3\n"), {
    rssBytes: 524288,
    threads: 3,
  });
  assert.deepEqual(parseStatus("Name:\tzombie\n"), { rssBytes: 0, threads: 0 });
  const own = groupUsage([Deno.pid, 999_999_999]);
  assert.equal(own.processes, 1, "a missing pid is left out");
  assert.ok(own.fds > 0 && own.threads > 0 && own.rssBytes > 0);
});

Deno.test("series per group and metric, a group missing in a minute is a gap, and the summary flags a leak", () => {
  const minutes: SoakMinute[] = [
    { minute: 0, groups: { gateway: usage(40, 20) }, latency: null, churn: churn(0) },
    { minute: 1, groups: { gateway: usage(50, 21) }, latency: null, churn: churn(8) },
    {
      minute: 2,
      groups: { gateway: usage(60, 22), Xvfb: usage(30, 5) },
      latency: { p50: 40, p99: 90, n: 600, unreadable: 0, fps: 15 },
      churn: churn(7, 1),
    },
  ];
  const series = soakSeries(minutes);
  assert.deepEqual(series.map((s) => s.name), [
    "gateway RSS (MiB)",
    "gateway fds",
    "gateway threads",
    "Xvfb RSS (MiB)",
    "Xvfb fds",
    "Xvfb threads",
    "staying viewer picture age p99 (ms)",
  ]);
  const twoWorkers = soakSeries([
    { minute: 0, groups: { worker: usage(60, 30) }, latency: null, churn: churn(0) },
    { minute: 1, groups: { worker: { ...usage(120, 60), processes: 2 } }, latency: null, churn: churn(1) },
  ]);
  assert.deepEqual(twoWorkers.map((s) => [s.name, s.values]).slice(0, 4), [
    ["worker RSS per process (MiB)", [60, 60]],
    ["worker fds per process", [30, 30]],
    ["worker threads per process", [4, 2]],
    ["worker processes", [1, 2]],
  ], "a group whose process count changes is judged per process");
  assert.deepEqual(series[0].values, [40, 50, 60]);
  assert.deepEqual(series[3].values, [null, null, 30]);
  const verdicts = judgeSoak(series, 1);
  const md = soakMarkdown({
    startedAt: "2026-11-30T05:00:00Z",
    seed: 14,
    setup: { geometry: "640x360" },
    minutes,
    leftovers: { processes: [], dirs: [], sockets: [] },
  }, verdicts);
  assert.match(md, /# Soak: 2 minutes/);
  assert.match(
    md,
    /\*\*2 series not flat\*\*/,
    "RSS +20 % after warm-up and a failed viewer (fds grew in warm-up only)",
  );
  assert.match(md, /15 joined, 15 left, 1 without a picture/);
  assert.match(md, /Left after the end: nothing/);
  assert.match(md, /\| 2 \| 40 \| 90 \| 600 \| 15 \| 7 \| 7 \| 1 \|/);
});
