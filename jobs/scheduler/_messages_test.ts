import assert from "node:assert/strict";
import { slurmFailure } from "./_messages.ts";
import { SchedulerError } from "./errors.ts";

// SLURM 22.05's own stderr lines, captured from the test cluster (or its source for accounting ones).
const CASES: [string, RegExp][] = [
  [
    "sbatch: error: invalid partition specified: nope\n" +
    "sbatch: error: Batch job submission failed: Invalid partition name specified\n",
    /partition "nope" does not exist/,
  ],
  [
    "sbatch: error: Batch job submission failed: Requested time limit is invalid (missing or exceeds some limit)\n",
    /exceeds the partition's limit/,
  ],
  [
    "sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified\n",
    /account is not valid/,
  ],
  ["sbatch: error: Batch job submission failed: Invalid qos specification\n", /QOS is not valid/],
  ["sbatch: error: Invalid generic resource (gres) specification\n", /GPU\/gres request is not valid/],
  [
    "sbatch: error: Batch job submission failed: Requested node configuration is not available\n",
    /no node in that partition/,
  ],
  [
    "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)\n",
    /cannot reach the SLURM controller/,
  ],
  ["scancel: error: Kill job error on job id 1: Access/permission denied\n", /belongs to another user/],
  ["sbatch: error: something new\n", /^sbatch failed: something new$/],
  ["", /^sbatch failed: no error message$/],
];

Deno.test("slurmFailure turns SLURM's stderr into an actionable SchedulerError", () => {
  for (const [stderr, expected] of CASES) {
    const e = slurmFailure("sbatch", stderr);
    assert.ok(e instanceof SchedulerError);
    assert.equal(e.exitCode, 2);
    assert.equal(e.stderr, stderr);
    assert.match(e.message, expected, stderr);
  }
});
