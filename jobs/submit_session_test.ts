import assert from "node:assert/strict";
import { join } from "node:path";
import { listRecords } from "./record.ts";
import { SchedulerError } from "./scheduler/mod.ts";
import { parseJobSpec } from "./spec.ts";
import { submitSession } from "./submit_session.ts";

/** A folder with a stand-in `sbatch` (and `squeue`) on PATH, and an empty sessions root. */
async function withFakeSlurm(
  sbatch: string,
  fn: (root: string, env: Record<string, string>) => Promise<void>,
) {
  const base = await Deno.makeTempDir({ prefix: "selkies-submit-" });
  try {
    await Deno.mkdir(join(base, "bin"));
    await Deno.writeTextFile(join(base, "bin", "sbatch"), `#!/bin/sh\ncat > "${base}/script"\n${sbatch}\n`);
    await Deno.writeTextFile(join(base, "bin", "squeue"), `#!/bin/sh\necho '{"jobs":[]}'\n`);
    for (const f of ["sbatch", "squeue"]) await Deno.chmod(join(base, "bin", f), 0o755);
    await fn(join(base, "sessions"), { PATH: `${base}/bin:/usr/bin:/bin` });
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

Deno.test("a job SLURM rejects leaves no session folder (and no secret) behind", async () => {
  const rejected = `echo "sbatch: error: invalid partition specified: nope" >&2; exit 1`;
  await withFakeSlurm(rejected, async (root, env) => {
    await assert.rejects(
      submitSession(parseJobSpec({ resources: { partition: "nope" } }), { root, env }),
      (e: SchedulerError) => e instanceof SchedulerError && /partition "nope" does not exist/.test(e.message),
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(root)), []);
  });
});

Deno.test("an accepted job gets a private folder with its script and a record", async () => {
  await withFakeSlurm("echo 4242", async (root, env) => {
    const record = await submitSession(parseJobSpec({}), { root, env });
    assert.equal(record.jobId, "4242");
    assert.equal(record.dir, join(root, record.sessionId));
    assert.equal((await Deno.stat(join(record.dir, "job.sh"))).mode! & 0o777, 0o600);
    assert.match(
      await Deno.readTextFile(join(record.dir, "job.sh")),
      /--session-dir "\$SELKIES_SESSION_DIR"/,
    );
    assert.deepEqual((await listRecords({ root })).map((r) => r.jobId), ["4242"]);
  });
});
