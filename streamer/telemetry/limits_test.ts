import assert from "node:assert/strict";
import { allocatedCores, nodeMemory, slurmMemoryLimit } from "./limits.ts";

const MIB = 1024 * 1024;

Deno.test("slurmMemoryLimit: --mem (per node) wins over --mem-per-cpu, which counts the job's CPUs on the node", () => {
  assert.equal(slurmMemoryLimit({ SLURM_MEM_PER_NODE: "600" }), 600 * MIB);
  assert.equal(slurmMemoryLimit({ SLURM_MEM_PER_NODE: "600", SLURM_MEM_PER_CPU: "100" }), 600 * MIB);
  assert.equal(slurmMemoryLimit({ SLURM_MEM_PER_CPU: "100", SLURM_CPUS_ON_NODE: "3" }, 8), 300 * MIB);
  assert.equal(slurmMemoryLimit({ SLURM_MEM_PER_CPU: "100" }, 2), 200 * MIB);
  assert.equal(slurmMemoryLimit({ SLURM_MEM_PER_CPU: "100" }), undefined, "per CPU, without a CPU count");
  for (const bad of ["", " ", "0", "-5", "lots", "NaN"]) {
    assert.equal(slurmMemoryLimit({ SLURM_MEM_PER_NODE: bad }), undefined, JSON.stringify(bad));
  }
  assert.equal(slurmMemoryLimit({}), undefined);
});

Deno.test("nodeMemory reads MemTotal; allocatedCores falls back to this machine's", () => {
  assert.equal(nodeMemory("MemTotal:        1000 kB\n"), 1024000);
  assert.equal(nodeMemory("MemFree: 5 kB\n"), undefined);
  assert.ok(nodeMemory(Deno.readTextFileSync("/proc/meminfo"))! > 100 * MIB);
  assert.equal(allocatedCores(3), 3);
  assert.ok(allocatedCores(undefined) >= 1);
});
