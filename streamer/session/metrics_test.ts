import assert from "node:assert/strict";
import { renderSessionMetrics } from "./metrics.ts";

Deno.test("session metrics: the encoder's rate and each WebSocket viewer's delivery, labelled by viewer", () => {
  const delivery = {
    paced: true,
    fps: 9,
    inFlight: 2,
    window: 2,
    rttMs: 0.6,
    browserMs: 95,
    latencyMs: 240,
    skipped: 31,
    limit: "decode" as const,
  };
  const text = renderSessionMetrics({ fps: 30, kbps: 1499.6 }, [
    { id: 3, remote: 'gateway:"ada"', delivery },
    { id: 4, remote: "127.0.0.1:5000", delivery: undefined }, // on WebRTC
  ]);
  const lines = text.split("\n");
  assert.ok(lines.includes("selkies_encoder_fps 30"));
  assert.ok(lines.includes("selkies_encoder_kbps 1500"));
  assert.ok(lines.includes("selkies_viewers 2"));
  assert.ok(lines.includes('selkies_viewer_latency_ms{viewer="3",remote="gateway:\\"ada\\""} 240'));
  assert.ok(lines.includes('selkies_viewer_frames_in_flight{viewer="3",remote="gateway:\\"ada\\""} 2'));
  assert.ok(lines.includes('selkies_viewer_skipped_frames_total{viewer="3",remote="gateway:\\"ada\\""} 31'));
  assert.ok(lines.includes('selkies_viewer_browser_ms{viewer="3",remote="gateway:\\"ada\\""} 95'));
  const limits = lines.filter((l) => l.startsWith('selkies_viewer_limit{viewer="3"'));
  assert.deepEqual(limits.map((l) => l.replace(/^.*stage="(\w+)"\} /, "$1 ")), [
    "none 0",
    "network 0",
    "decode 1",
    "encode 0",
  ]);
  assert.ok(!text.includes('viewer="4"'), "a viewer without WebSocket media has no delivery");
  assert.ok(text.endsWith("\n"));
  for (const line of lines.filter((l) => l && !l.startsWith("#"))) {
    assert.match(line, /^selkies_[a-z_]+(\{[^}]*\})? [0-9.]+$/, line);
  }
});

Deno.test("session metrics: the job's telemetry as selkies_job_* gauges; GPU figures the driver lacks are left out", () => {
  const text = renderSessionMetrics({ fps: 0, kbps: 0 }, [], {
    t: "telemetry",
    node: 'gpu"01',
    source: "cgroup",
    cpu: { usedCores: 1.25, allocatedCores: 4 },
    memory: { usedBytes: 734003200, limitBytes: 1073741824, limitSource: "cgroup", oomKills: 1 },
    gpus: [
      {
        index: 1,
        uuid: "GPU-b",
        name: "NVIDIA H200",
        utilizationPercent: 80,
        memoryUsedBytes: 9000 * 1048576,
        memoryTotalBytes: null,
      },
    ],
  });
  const lines = text.split("\n");
  for (
    const expected of [
      'selkies_job_info{node="gpu\\"01",source="cgroup"} 1',
      "selkies_job_cpu_used_cores 1.25",
      "selkies_job_cpu_allocated_cores 4",
      "selkies_job_memory_used_bytes 734003200",
      'selkies_job_memory_limit_bytes{source="cgroup"} 1073741824',
      "selkies_job_oom_kills_total 1",
      'selkies_job_gpu_utilization_percent{gpu="1",uuid="GPU-b",name="NVIDIA H200"} 80',
      'selkies_job_gpu_memory_used_bytes{gpu="1",uuid="GPU-b",name="NVIDIA H200"} 9437184000',
      "# TYPE selkies_job_oom_kills_total counter",
      "# HELP selkies_job_memory_used_bytes Memory the job uses (cgroup working set, or the session's RSS).",
    ]
  ) assert.ok(lines.includes(expected), expected);
  assert.ok(!lines.some((l) => l.startsWith("selkies_job_gpu_memory_total_bytes{")), "null: no sample");
  const noGpu = renderSessionMetrics({ fps: 0, kbps: 0 }, [], {
    t: "telemetry",
    node: "c1",
    source: "processes",
    cpu: { usedCores: 0.1, allocatedCores: 2 },
    memory: { usedBytes: 1, limitBytes: 2, limitSource: "slurm" },
  });
  assert.ok(!noGpu.includes("gpu"), "no GPU section on a node without nvidia-smi");
  assert.ok(!noGpu.includes("oom_kills"), "no OOM kill count without a cgroup");
  assert.ok(
    !renderSessionMetrics({ fps: 0, kbps: 0 }, []).includes("selkies_job_"),
    "before the first sample",
  );
});
