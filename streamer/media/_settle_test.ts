import assert from "node:assert/strict";
import { Settle, SETTLED_BYTES } from "./_settle.ts";

Deno.test("Settle: idle waits for a small frame, active is at once, only changes are applied", () => {
  const applied: boolean[] = [];
  const s = new Settle((a) => applied.push(a));
  try {
    s.frame(90_000); // a big change is being refined
    s.request(false);
    assert.deepEqual(applied, []);
    s.frame(20_000);
    assert.equal(s.applied, true);
    s.frame(SETTLED_BYTES);
    assert.deepEqual(applied, [], "one small frame amid a refinement is not enough");
    s.frame(SETTLED_BYTES);
    assert.deepEqual(applied, [false]);
    s.request(false);
    s.request(true);
    s.request(true);
    assert.deepEqual(applied, [false, true]);
    s.frame(40);
    s.frame(40);
    s.request(false); // already settled: at once
    assert.deepEqual(applied, [false, true, false]);
    s.frame(90_000, true); // a keyframe someone asked for: no change on screen
    s.request(true);
    s.request(false);
    assert.deepEqual(applied, [false, true, false, true, false], "a keyframe does not unsettle");
  } finally {
    s.close();
  }
});
