import assert from "node:assert/strict";
import { abortable } from "./abortable.ts";

Deno.test("abortable: the promise's outcome when no abort comes", async () => {
  const controller = new AbortController();
  assert.equal(await abortable(Promise.resolve(1), controller.signal), 1);
  await assert.rejects(abortable(Promise.reject(new Error("boom")), controller.signal), /boom/);
  assert.equal(await abortable(Promise.resolve(2)), 2);
});

Deno.test("abortable: rejects with the reason at once, also when already aborted; a late failure is ignored", async () => {
  const controller = new AbortController();
  const late = Promise.withResolvers<number>();
  const waiting = abortable(late.promise, controller.signal);
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
  late.reject(new Error("late")); // no unhandled rejection
  await assert.rejects(abortable(new Promise(() => {}), controller.signal), /stop/);
});
