import assert from "node:assert/strict";
import { BenchUsageError, parseBenchArgs } from "./main.ts";

Deno.test("--quick runs motion and text on the video baseline and VNC, 3 s each (CI time)", () => {
  const a = parseBenchArgs(["--quick", "--out", "/tmp/x"]);
  assert.deepEqual(a.contents, ["motion", "text"]);
  assert.deepEqual(a.peers, ["selkies-websocket", "selkies-webrtc", "novnc"]);
  assert.equal(a.durationS, 3);
  assert.equal(a.out, "/tmp/x");
});

Deno.test("the full run plays every content on every stack for 20 s; explicit flags beat the quick defaults", () => {
  assert.deepEqual(parseBenchArgs([]).contents, [
    "motion",
    "text",
    "idle",
    "region",
    "scroll",
    "code",
    "window",
  ]);
  assert.deepEqual(parseBenchArgs([]).peers, [
    "selkies-websocket",
    "selkies-webrtc",
    "selkies-hybrid",
    "novnc",
  ]);
  assert.equal(parseBenchArgs([]).durationS, 20);
  const a = parseBenchArgs(["--quick", "--duration", "7", "--peers", "novnc", "--contents", "idle"]);
  assert.equal(a.durationS, 7);
  assert.deepEqual(a.peers, ["novnc"]);
  assert.deepEqual(parseBenchArgs(["--quick", "--peers", "selkies-hybrid"]).peers, ["selkies-hybrid"]);
  assert.deepEqual(a.contents, ["idle"]);
});

Deno.test("unknown stacks, contents, durations and geometries are usage errors", () => {
  assert.throws(() => parseBenchArgs(["--peers", "vnc"]), BenchUsageError);
  assert.throws(() => parseBenchArgs(["--contents", ""]), BenchUsageError);
  assert.throws(() => parseBenchArgs(["--duration", "-1"]), BenchUsageError);
  assert.throws(() => parseBenchArgs(["--geometry", "big"]), BenchUsageError);
});

Deno.test("unknown flags are usage errors too", () => {
  assert.throws(() => parseBenchArgs(["--fast"]), BenchUsageError);
});

Deno.test("the full run waits up to 60 s for a quiet machine, the quick run never", () => {
  assert.equal(parseBenchArgs([]).quietWaitS, 60);
  assert.equal(parseBenchArgs(["--quick"]).quietWaitS, 0);
  assert.equal(parseBenchArgs(["--quiet-wait", "5"]).quietWaitS, 5);
  assert.equal(parseBenchArgs(["--quiet-wait", "0"]).quietWaitS, 0);
  assert.throws(() => parseBenchArgs(["--duration", "0"]), BenchUsageError);
});

Deno.test("--starved adds the starved viewer: 1 busy loop and 60 s by default, both settable", () => {
  assert.equal(parseBenchArgs([]).starved, null);
  assert.equal(parseBenchArgs(["--quick"]).starved, null);
  assert.deepEqual(parseBenchArgs(["--starved"]).starved, { loops: 1, durationS: 60 });
  assert.deepEqual(
    parseBenchArgs(["--starved", "--starve-load", "3", "--starved-duration", "25"]).starved,
    { loops: 3, durationS: 25 },
  );
  assert.throws(() => parseBenchArgs(["--starved", "--starve-load", "0"]), BenchUsageError);
  assert.throws(() => parseBenchArgs(["--starved", "--starve-load", "1.5"]), BenchUsageError);
  assert.throws(() => parseBenchArgs(["--starved", "--starved-duration", "0"]), BenchUsageError);
  assert.throws(() => parseBenchArgs(["--starve-load", "2"]), BenchUsageError);
});
