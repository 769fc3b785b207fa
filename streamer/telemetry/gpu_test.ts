import assert from "node:assert/strict";
import { jobGpus, NVIDIA_SMI_ARGS, parseNvidiaSmiCsv, queryGpus } from "./gpu.ts";

const MIB = 1024 * 1024;

// What `nvidia-smi --query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total
// --format=csv,noheader,nounits` prints: one line per GPU, figures in percent and MiB, `[N/A]` (MIG, some
// virtual GPUs) or `[Not Supported]` where the driver has no figure. Written after the driver's format (the
// GPU machine belongs to another helper in this round; no capture from it).
const FOUR_GPUS = [
  "0, GPU-4a8e9c3c-1d2b-6f7a-9e1c-2b3d4e5f6a70, NVIDIA H200, 0, 0, 143771",
  "1, GPU-4a8e9c3c-1d2b-6f7a-9e1c-2b3d4e5f6a71, NVIDIA H200, 97, 80123, 143771",
  "2, GPU-4a8e9c3c-1d2b-6f7a-9e1c-2b3d4e5f6a72, NVIDIA A100-SXM4-80GB, [N/A], 12, 81920",
  "3, GPU-4a8e9c3c-1d2b-6f7a-9e1c-2b3d4e5f6a73, Tesla T4, [Not Supported], [N/A], 15360",
].join("\n") + "\n";

Deno.test("parseNvidiaSmiCsv: figures in bytes and percent, [N/A] and [Not Supported] as null", () => {
  const gpus = parseNvidiaSmiCsv(FOUR_GPUS);
  assert.equal(gpus.length, 4);
  assert.deepEqual(gpus[1], {
    index: 1,
    uuid: "GPU-4a8e9c3c-1d2b-6f7a-9e1c-2b3d4e5f6a71",
    name: "NVIDIA H200",
    utilizationPercent: 97,
    memoryUsedBytes: 80123 * MIB,
    memoryTotalBytes: 143771 * MIB,
  });
  assert.equal(gpus[2].utilizationPercent, null);
  assert.equal(gpus[2].name, "NVIDIA A100-SXM4-80GB");
  assert.deepEqual([gpus[3].utilizationPercent, gpus[3].memoryUsedBytes], [null, null]);
  assert.deepEqual(parseNvidiaSmiCsv("\n"), [], "no GPU: no line");
  assert.equal(
    parseNvidiaSmiCsv("5, GPU-x, Odd, Name, With Commas, 1, 2, 3\n")[0].name,
    "Odd, Name, With Commas",
  );
  assert.throws(
    () => parseNvidiaSmiCsv("No devices were found\n"),
    /nvidia-smi printed a line that is not a GPU: No devices were found/,
  );
});

Deno.test("jobGpus: SLURM_JOB_GPUS by index, CUDA_VISIBLE_DEVICES by UUID or index, a renumbered view, none", () => {
  const gpus = parseNvidiaSmiCsv(FOUR_GPUS);
  const indices = (list: { index: number }[]) => list.map((g) => g.index);
  assert.deepEqual(indices(jobGpus(gpus, { slurmJobGpus: "1,3", cudaVisibleDevices: "0,1" })), [1, 3]);
  assert.deepEqual(
    indices(jobGpus(gpus, { cudaVisibleDevices: "GPU-4a8e9c3c-1d2b-6f7a-9e1c-2b3d4e5f6a72" })),
    [
      2,
    ],
  );
  assert.deepEqual(indices(jobGpus(gpus, { cudaVisibleDevices: "0, 2" })), [0, 2]);
  assert.deepEqual(indices(jobGpus(gpus, {})), [0, 1, 2, 3], "outside a job: every GPU");
  assert.deepEqual(jobGpus(gpus, { cudaVisibleDevices: "NoDevFiles" }), [], "a job without GPUs");
  // The device cgroup shows the job only its two GPUs, renumbered 0 and 1, while SLURM says 5 and 6.
  const two = gpus.slice(0, 2);
  assert.deepEqual(indices(jobGpus(two, { slurmJobGpus: "5,6" })), [0, 1]);
  assert.deepEqual(indices(jobGpus(gpus, { slurmJobGpus: "7" })), [], "the job's GPU is not listed");
});

async function fakeSmi(body: string): Promise<{ path: string; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "selkies-smi-test-" });
  const path = `${dir}/nvidia-smi`;
  await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`);
  await Deno.chmod(path, 0o755);
  return { path, dir };
}

Deno.test("queryGpus runs nvidia-smi with the query; absent, failing, hung and babbling ones are told apart", async () => {
  assert.deepEqual(await queryGpus("/nonexistent/nvidia-smi"), { kind: "absent" });
  const cases: [string, (r: Awaited<ReturnType<typeof queryGpus>>) => void][] = [
    [
      // Answers only the exact query the parser expects.
      `[ "$*" = "${NVIDIA_SMI_ARGS.join(" ")}" ] || exit 3\nprintf '${FOUR_GPUS.replace(/\n/g, "\\n")}'`,
      (r) => assert.equal(r.kind === "gpus" && r.gpus.length, 4, JSON.stringify(r)),
    ],
    [
      'echo "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver."; exit 9',
      (r) =>
        assert.deepEqual(r, {
          kind: "failed",
          reason:
            "nvidia-smi exited 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA " +
            "driver.",
        }),
    ],
    [
      "exec sleep 30",
      (r) => assert.match(r.kind === "failed" ? r.reason : "", /was killed \(SIGTERM; over 300 ms\?\)/),
    ],
    ["echo 'No devices were found'", (r) => assert.match(r.kind === "failed" ? r.reason : "", /not a GPU/)],
  ];
  for (const [body, check] of cases) {
    const smi = await fakeSmi(body);
    try {
      const result = await queryGpus(smi.path, 300);
      if (result.kind === "failed") result.reason = result.reason.replace(smi.path, "nvidia-smi");
      check(result);
    } finally {
      await Deno.remove(smi.dir, { recursive: true });
    }
  }
});
