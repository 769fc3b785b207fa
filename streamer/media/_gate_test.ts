import assert from "node:assert/strict";
import { FrameGate, pulseMs } from "./_gate.ts";
import { delay } from "../../tests/fixtures/async.ts";

function gate(ms = 40) {
  const calls: boolean[] = [];
  return { calls, gate: new FrameGate({ set: (open) => calls.push(open), pulseMs: ms }) };
}

Deno.test("FrameGate: held open until released, then follows setActive, telling only changes", () => {
  const { calls, gate: g } = gate();
  g.setActive(false);
  assert.equal(g.open, true, "held open before the first frame");
  assert.deepEqual(calls, []);
  g.release();
  assert.equal(g.open, false);
  g.setActive(false);
  g.setActive(true);
  g.setActive(true);
  assert.deepEqual(calls, [false, true]);
});

Deno.test("FrameGate: a pulse opens an idle gate for pulseMs, restarting on each pulse", async () => {
  const { calls, gate: g } = gate(60);
  g.release();
  g.setActive(false);
  g.pulse();
  assert.equal(g.open, true);
  await delay(40);
  g.pulse(); // a second keyframe request extends the pulse
  await delay(40);
  assert.equal(g.open, true);
  await delay(60);
  assert.equal(g.open, false);
  assert.deepEqual(calls, [false, true, false]);
  g.setActive(true);
  g.pulse();
  await delay(80);
  assert.equal(g.open, true, "an active gate stays open after a pulse");
});

Deno.test("FrameGate: pacing closes the valve without pausing the capture; idle pauses both", () => {
  const calls: string[] = [];
  const g = new FrameGate({
    set: (open) => calls.push(open ? "open" : "closed"),
    capture: (running) => calls.push(running ? "capture" : "pause"),
    pulseMs: 40,
  });
  g.release();
  g.setPaced(false);
  assert.equal(g.open, false);
  g.setPaced(true);
  assert.equal(g.open, true);
  assert.deepEqual(calls, ["closed", "open"], "no viewer with room: the valve only");
  g.setActive(false);
  g.setPaced(false);
  g.setActive(true);
  assert.equal(g.open, false, "an active screen still waits for a viewer with room");
  g.setPaced(true);
  assert.deepEqual(calls, ["closed", "open", "closed", "pause", "capture", "open"]);
});

Deno.test("pulseMs: four frames, at least 100 ms", () => {
  assert.equal(pulseMs(60), 100);
  assert.equal(pulseMs(15), 267);
});
