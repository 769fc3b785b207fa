import assert from "node:assert/strict";
import { LatestRunner } from "./_latest.ts";
import { delay } from "../../tests/fixtures/async.ts";

Deno.test("jobs run one at a time, and only the latest of those waiting runs", async () => {
  const runner = new LatestRunner();
  const log: string[] = [];
  let running = 0;
  const job = (name: string) => async () => {
    running++;
    assert.equal(running, 1, "never two jobs at once");
    log.push(`start ${name}`);
    await delay(20);
    log.push(`end ${name}`);
    running--;
  };
  const outcomes = await Promise.all([1, 2, 3, 4].map((n) => runner.run(job(String(n)))));
  assert.deepEqual(outcomes, [true, false, false, true]);
  assert.deepEqual(log, ["start 1", "end 1", "start 4", "end 4"]);
  await runner.idle();
});

Deno.test("a failing job rejects its own promise and the next one still runs", async () => {
  const runner = new LatestRunner();
  const failed = runner.run(() => Promise.reject(new Error("boom")));
  const next = runner.run(() => delay(1));
  await assert.rejects(failed, /boom/);
  assert.equal(await next, true);
  await runner.idle();
});
