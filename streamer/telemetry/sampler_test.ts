import assert from "node:assert/strict";
import { waitFor } from "../../tests/fixtures/async.ts";
import type { TelemetryMessage } from "../../protocol/telemetry.ts";
import { holdMemoryScript, vmRss } from "./_hog.ts";
import { TelemetrySampler } from "./sampler.ts";

const MIB = 1024 * 1024;

Deno.test({
  name:
    "sampler: samples the session's processes while watched, GPUs from nvidia-smi, warns once near the limit",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "selkies-sampler-test-" });
    const smi = `${dir}/nvidia-smi`;
    await Deno.writeTextFile(
      smi,
      "#!/bin/sh\necho '0, GPU-a, NVIDIA H200, 5, 100, 143771'\necho '1, GPU-b, NVIDIA H200, 80, 9000, 143771'\n",
    );
    await Deno.chmod(smi, 0o755);
    const holder = new Deno.Command("python3", {
      args: ["-c", holdMemoryScript(120)],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const samples: TelemetryMessage[] = [];
    const warnings: string[] = [];
    let sampler: TelemetrySampler | undefined;
    try {
      const reader = holder.stdout.pipeThrough(new TextDecoderStream()).getReader();
      assert.match((await reader.read()).value ?? "", /ready/);
      reader.releaseLock();
      const held = vmRss(holder.pid);
      // A limit the holder is 95 % of: the session's accounting says so before any kernel would act.
      sampler = new TelemetrySampler({
        node: "c1",
        cpus: 2,
        gpus: { slurmJobGpus: "1" },
        memoryLimitBytes: Math.round(held / 0.95),
        processes: { root: holder.pid },
        cgroup: false,
        nvidiaSmi: smi,
        onSample: (m) => samples.push(m),
        onWarning: (w) => warnings.push(w),
        watchedIntervalMs: 200,
        idleIntervalMs: 60_000,
      });
      assert.equal(samples.length, 0, "nobody watches: nothing sent");
      const unwatch = sampler.watch();
      await waitFor("three samples", () => samples.length >= 3, 20_000);
      const last = samples.at(-1)!;
      assert.equal(last.t, "telemetry");
      assert.equal(last.node, "c1");
      assert.equal(last.source, "processes");
      assert.deepEqual(last.cpu.allocatedCores, 2);
      assert.ok(last.cpu.usedCores >= 0 && last.cpu.usedCores < 0.5, `an idle holder: ${last.cpu.usedCores}`);
      assert.ok(Math.abs(last.memory.usedBytes - held) <= MIB, `${last.memory.usedBytes} vs ${held}`);
      assert.equal(last.memory.limitSource, "slurm");
      assert.deepEqual(last.gpus?.map((g) => [g.index, g.uuid, g.utilizationPercent]), [[1, "GPU-b", 80]]);
      assert.equal(warnings.length, 1, `warned once: ${warnings}`);
      assert.match(
        warnings[0],
        /^Memory is almost full: 0\.1\d of 0\.1\d GiB \(9[5-9] %, limit from the job's --mem\)/,
      );
      assert.equal(sampler.latest(), last);
      unwatch();
      unwatch(); // twice is once
      const count = samples.length;
      await new Promise((r) => setTimeout(r, 800));
      assert.ok(
        samples.length <= count + 1,
        "no longer sent once nobody watches (one may have been under way)",
      );
    } finally {
      sampler?.close();
      holder.kill("SIGKILL");
      await holder.status;
      await holder.stdout.cancel().catch(() => {});
      await holder.stdin.close().catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("sampler: a node without nvidia-smi has no GPU section; a failing one says why", async () => {
  for (
    const [smi, check] of [
      ["/nonexistent/nvidia-smi", (m: TelemetryMessage) => assert.ok(!("gpus" in m) && !("gpuError" in m))],
      ["/bin/false", (m: TelemetryMessage) => assert.match(m.gpuError ?? "", /^\/bin\/false exited 1/)],
    ] as const
  ) {
    const samples: TelemetryMessage[] = [];
    const sampler = new TelemetrySampler({
      node: "c1",
      cgroup: false,
      nvidiaSmi: smi,
      onSample: (m) => samples.push(m),
      watchedIntervalMs: 100,
    });
    try {
      sampler.watch();
      await waitFor("a sample", () => samples.length >= 2, 10_000);
      check(samples[1]);
      assert.equal(samples[1].memory.limitSource, "node", "no limit asked: the node's memory");
      assert.ok(samples[1].memory.limitBytes > 100 * MIB);
    } finally {
      sampler.close();
    }
  }
});

Deno.test("sampler: nobody watching, it still samples (slowly) and warns, without GPUs or sending", async () => {
  const dir = await Deno.makeTempDir({ prefix: "selkies-sampler-test-" });
  const smi = `${dir}/nvidia-smi`;
  await Deno.writeTextFile(
    smi,
    `#!/bin/sh\ntouch ${dir}/asked\necho '0, GPU-a, NVIDIA H200, 5, 100, 143771'\n`,
  );
  await Deno.chmod(smi, 0o755);
  const samples: TelemetryMessage[] = [];
  const warnings: string[] = [];
  const sampler = new TelemetrySampler({
    node: "c1",
    cgroup: false,
    memoryLimitBytes: 1, // anything is over it
    nvidiaSmi: smi,
    onSample: (m) => samples.push(m),
    onWarning: (w) => warnings.push(w),
    idleIntervalMs: 100,
  });
  try {
    const latest = await waitFor("an unwatched sample", () => sampler.latest(), 10_000);
    assert.equal(latest.gpus, undefined, "no GPU query while nobody watches");
    await waitFor("the warning", () => warnings.length > 0, 10_000);
    assert.deepEqual(samples, [], "nothing sent");
    assert.equal(await Deno.stat(`${dir}/asked`).then(() => true, () => false), false);
  } finally {
    sampler.close();
    await Deno.remove(dir, { recursive: true });
  }
});
