import assert from "node:assert/strict";
import { DEFAULT_GIVE_UP_MS, dueWarning, formatTimeLeft, giveUpMs } from "./job_banner.ts";

Deno.test("formatTimeLeft: H:MM:SS over an hour, M:SS under, never negative", () => {
  assert.equal(formatTimeLeft(2 * 3_600_000 + 5 * 60_000 + 9_000), "2:05:09 left");
  assert.equal(formatTimeLeft(3_600_000), "1:00:00 left");
  assert.equal(formatTimeLeft(3_599_999), "59:59 left");
  assert.equal(formatTimeLeft(65_000), "1:05 left");
  assert.equal(formatTimeLeft(999), "0:00 left");
  assert.equal(formatTimeLeft(-30_000), "0:00 left");
  assert.equal(formatTimeLeft(50 * 3_600_000), "50:00:00 left");
});

Deno.test("dueWarning: each threshold once, the most urgent only when several are reached at once", () => {
  const warned = new Set<number>();
  const at = (minutes: number) => dueWarning(minutes * 60_000, [15, 5], warned);
  assert.equal(at(30), undefined);
  assert.equal(at(15), 15); // exactly at the threshold
  assert.equal(at(14), undefined);
  assert.equal(at(5.5), undefined);
  assert.equal(at(4.9), 5);
  assert.equal(at(1), undefined);
  // A page opened 3 minutes before the end warns once, of the last threshold.
  const late = new Set<number>();
  assert.equal(dueWarning(3 * 60_000, [15, 5], late), 5);
  assert.deepEqual([...late].sort(), [15, 5].sort());
  assert.equal(dueWarning(2 * 60_000, [15, 5], late), undefined);
  // No thresholds: no warnings (SLURM's USR1 notice still comes).
  assert.equal(dueWarning(0, [], new Set()), undefined);
});

Deno.test("giveUpMs reads ?giveup= seconds within 5 s and 1 h", () => {
  assert.equal(giveUpMs(new URLSearchParams()), DEFAULT_GIVE_UP_MS);
  assert.equal(giveUpMs(new URLSearchParams("giveup=30")), 30_000);
  assert.equal(giveUpMs(new URLSearchParams("giveup=1")), 5_000);
  assert.equal(giveUpMs(new URLSearchParams("giveup=999999")), 3_600_000);
  assert.equal(giveUpMs(new URLSearchParams("giveup=soon")), DEFAULT_GIVE_UP_MS);
  assert.equal(giveUpMs(new URLSearchParams("giveup=")), DEFAULT_GIVE_UP_MS);
});
