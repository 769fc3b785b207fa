/**
 * Many sleep jobs on a test cluster, for the scale benchmark: submit until SLURM refuses, then wait for
 * them to run, so the benchmark reports how many this box's slurmctld and slurmd actually hold.
 *
 * @module
 */
import { submitSleepJob } from "../tests/harness/gateway.ts";
import type { SlurmCluster } from "../tests/harness/slurm.ts";
import { delay } from "../tests/fixtures/async.ts";

/**
 * Submits up to `count` sleep jobs, 8 at a time, without waiting for them to run; stops at the first
 * refusal and returns its message with the ids submitted so far.
 *
 * @example
 * ```ts
 * import { submitMany } from "./_scale_jobs.ts";
 * import { startSlurmCluster } from "../tests/harness/slurm.ts";
 * await using cluster = await startSlurmCluster({ cpus: 64 });
 * const { ids, error } = await submitMany(cluster, 50);
 * ```
 */
export async function submitMany(
  cluster: SlurmCluster,
  count: number,
): Promise<{ ids: string[]; error?: string }> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 8) {
    const batch = Array.from(
      { length: Math.min(8, count - i) },
      () => submitSleepJob(cluster, { wait: false }),
    );
    const results = await Promise.allSettled(batch);
    for (const r of results) if (r.status === "fulfilled") ids.push(r.value);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) return { ids, error: String((failed as PromiseRejectedResult).reason).split("\n")[0] };
  }
  return { ids };
}

/**
 * Waits (at most `timeoutMs`) until every job of `ids` is RUNNING; returns those that are, and how long
 * it took.
 *
 * @example
 * ```ts
 * import { runningJobs, submitMany } from "./_scale_jobs.ts";
 * import { startSlurmCluster } from "../tests/harness/slurm.ts";
 * await using cluster = await startSlurmCluster({ cpus: 64 });
 * const { ids } = await submitMany(cluster, 50);
 * const running = await runningJobs(cluster, ids, 60_000);
 * ```
 */
export async function runningJobs(
  cluster: SlurmCluster,
  ids: string[],
  timeoutMs: number,
): Promise<{ ids: string[]; ms: number }> {
  const start = performance.now(), wanted = new Set(ids);
  let running: string[] = [];
  while (performance.now() - start < timeoutMs) {
    const out = await new Deno.Command("squeue", { args: ["-h", "-t", "R", "-o", "%i"], env: cluster.env })
      .output();
    running = new TextDecoder().decode(out.stdout).split("\n").map((l) => l.trim()).filter((id) =>
      wanted.has(id)
    );
    if (running.length === wanted.size) break;
    await delay(1000);
  }
  return { ids: running, ms: performance.now() - start };
}
