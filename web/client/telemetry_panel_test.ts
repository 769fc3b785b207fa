import assert from "node:assert/strict";
import type { TelemetryMessage } from "../../protocol/telemetry.ts";
import { formatBytes, telemetryRows } from "./telemetry_panel.ts";

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

const sample = (over: Partial<TelemetryMessage> = {}): TelemetryMessage => ({
  t: "telemetry",
  node: "gpu017",
  source: "cgroup",
  cpu: { usedCores: 3.5, allocatedCores: 8 },
  memory: { usedBytes: 14.6 * GIB, limitBytes: 16 * GIB, limitSource: "cgroup", oomKills: 0 },
  ...over,
});

Deno.test("formatBytes: binary units, one decimal below 100", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(1000), "1000 B");
  assert.equal(formatBytes(2048), "2.0 KiB");
  assert.equal(formatBytes(300 * MIB), "300 MiB");
  assert.equal(formatBytes(143771 * MIB), "140 GiB");
  assert.equal(formatBytes(1.5 * GIB), "1.5 GiB");
  assert.equal(formatBytes(-5), "0 B");
});

Deno.test("telemetryRows: CPU against the allocation, memory against its limit, red past the warning threshold", () => {
  const rows = telemetryRows(sample());
  assert.deepEqual(rows.map((r) => [r.label, r.value, r.warn ?? false]), [
    ["Node", "gpu017", false],
    ["CPU", "44 % of 8 cores", false],
    ["Memory", "14.6 GiB of 16.0 GiB (91 %)", true],
  ]);
  assert.match(rows[2].detail!, /limit from the job's cgroup; use measured from the job's cgroup/);
  const calm = telemetryRows(
    sample({ memory: { usedBytes: GIB, limitBytes: 16 * GIB, limitSource: "slurm" } }),
  );
  assert.equal(calm[2].warn, false);
  assert.match(calm[2].detail!, /the job's --mem/);
  const one = telemetryRows(sample({ cpu: { usedCores: 0.04, allocatedCores: 1 }, source: "processes" }));
  assert.equal(one[1].value, "4 % of 1 core");
  assert.match(one[1].detail!, /0\.04 cores busy .* the session's processes/);
});

Deno.test("telemetryRows: one line per GPU with n/a for missing figures, OOM kills and a GPU error in red", () => {
  const rows = telemetryRows(sample({
    memory: { usedBytes: GIB, limitBytes: 16 * GIB, limitSource: "cgroup", oomKills: 2 },
    gpus: [
      {
        index: 1,
        uuid: "GPU-b",
        name: "NVIDIA H200",
        utilizationPercent: 97.4,
        memoryUsedBytes: 80123 * MIB,
        memoryTotalBytes: 143771 * MIB,
      },
      {
        index: 3,
        uuid: "GPU-d",
        name: "Tesla T4",
        utilizationPercent: null,
        memoryUsedBytes: null,
        memoryTotalBytes: 1,
      },
    ],
    gpuError: undefined,
  }));
  assert.deepEqual(rows.slice(3).map((r) => [r.label, r.value, r.warn ?? false]), [
    ["OOM kills", "2", true],
    ["GPU 1", "97 % · 78.2 GiB of 140 GiB", false],
    ["GPU 3", "n/a · memory n/a", false],
  ]);
  assert.equal(rows[4].detail, "NVIDIA H200 (GPU-b)");
  const broken = telemetryRows(sample({ gpuError: "nvidia-smi exited 9: no driver" }));
  assert.deepEqual(broken.at(-1), {
    label: "GPUs",
    value: "no figures",
    warn: true,
    detail: "nvidia-smi exited 9: no driver",
  });
});
