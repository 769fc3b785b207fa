import assert from "node:assert/strict";
import { IdleTimer } from "./idle.ts";
import { delay } from "../../tests/fixtures/async.ts";

Deno.test("IdleTimer: active at start, idle after holdMs, active again at once on a touch", async () => {
  const changes: boolean[] = [];
  const idle = new IdleTimer({ holdMs: 80, onChange: (a) => changes.push(a) });
  try {
    assert.equal(idle.active, true);
    await delay(130);
    assert.deepEqual(changes, [false]);
    idle.touch();
    assert.deepEqual(changes, [false, true], "no delay on the way back");
    for (let i = 0; i < 6; i++) {
      await delay(30);
      idle.touch(); // changes 30 ms apart keep it active
    }
    assert.deepEqual(changes, [false, true]);
    await delay(130);
    assert.deepEqual(changes, [false, true, false]);
  } finally {
    idle.close();
  }
});

Deno.test("IdleTimer: close stops every later call", async () => {
  const changes: boolean[] = [];
  const idle = new IdleTimer({ holdMs: 30, onChange: (a) => changes.push(a) });
  idle.close();
  await delay(60);
  assert.deepEqual(changes, []);
});
