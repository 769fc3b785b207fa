import assert from "node:assert/strict";
import { KEEP_ENDED_MS, pruneRecords } from "./prune_records.ts";
import { createSessionDir, listRecords, type SessionRecord, writeRecord } from "./record.ts";
import type { JobInfo } from "./scheduler/mod.ts";

const NOW = new Date("2026-06-01T12:00:00Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const HOUR = 3600_000;

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "selkies-prune-" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function record(
  root: string,
  jobId: string,
  extra: Partial<SessionRecord> = {},
): Promise<SessionRecord> {
  const { sessionId, dir } = await createSessionDir({ root });
  const r = { jobId, sessionId, dir, createdAt: ago(2 * HOUR), ...extra };
  await writeRecord(r);
  return r;
}

const job = (jobId: string, state: string): JobInfo => ({ jobId, state, name: "selkies", user: "ada" });

Deno.test("pruneRecords keeps active jobs, marks ended or vanished ones, removes them a day later", async () => {
  await withRoot(async (root) => {
    await record(root, "1"); // running
    await record(root, "2"); // shown ended by SLURM
    await record(root, "3"); // gone from SLURM
    await record(root, "4", { endedAt: ago(KEEP_ENDED_MS + 1000), endState: "COMPLETED" }); // ended long ago
    await record(root, "5", { endedAt: ago(KEEP_ENDED_MS - HOUR) }); // ended recently
    await record(root, "6", { createdAt: ago(10_000) }); // just submitted, not in SLURM's answer yet
    await record(root, "7", { endedAt: ago(HOUR) }); // wrongly marked, but running
    const jobs = [job("1", "RUNNING"), job("2", "CANCELLED"), job("7", "PENDING")];

    const removed = await pruneRecords({ root, jobs, now: NOW });
    assert.deepEqual(removed.map((r) => r.jobId), ["4"]);
    const after = new Map((await listRecords({ root })).map((r) => [r.jobId, r]));
    assert.deepEqual([...after.keys()].sort(), ["1", "2", "3", "5", "6", "7"]);
    assert.equal(after.get("1")!.endedAt, undefined);
    assert.equal(after.get("2")!.endedAt, NOW.toISOString());
    assert.equal(after.get("2")!.endState, "CANCELLED");
    assert.equal(after.get("3")!.endedAt, NOW.toISOString());
    assert.equal(after.get("3")!.endState, undefined);
    assert.equal(after.get("6")!.endedAt, undefined);
    assert.equal(after.get("7")!.endedAt, undefined, "seen active again: not ended");

    // A day after they were first seen ended, the marked ones go; the running one stays.
    const later = new Date(NOW.getTime() + KEEP_ENDED_MS);
    const gone = await pruneRecords({ root, jobs: [job("1", "RUNNING")], now: later });
    assert.deepEqual(gone.map((r) => r.jobId).sort(), ["2", "3", "5"]);
    assert.deepEqual((await listRecords({ root })).map((r) => r.jobId).sort(), ["1", "6", "7"]);
    const folders = (await Array.fromAsync(Deno.readDir(root))).length;
    assert.equal(folders, 3, "the removed records' folders (and tokens) are gone");
  });
});

Deno.test("pruneRecords asks SLURM only when there are records", async () => {
  await withRoot(async (root) => {
    // No records, no query: an unreachable SLURM (no squeue on PATH) does not matter.
    assert.deepEqual(await pruneRecords({ root, env: { PATH: "/nonexistent" } }), []);
  });
});
