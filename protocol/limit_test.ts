import assert from "node:assert/strict";
import { limitingStage } from "./limit.ts";

const keepingUp = { askedFps: 30, deliveredFps: 30, encodedFps: 30, browserMs: 8, waited: false };

Deno.test("a viewer drawing about the asked rate is not limited, whatever else", () => {
  assert.equal(limitingStage(keepingUp), "none");
  assert.equal(limitingStage({ ...keepingUp, deliveredFps: 27.5, waited: true, browserMs: 40 }), "none");
});

Deno.test("frames wait and the browser takes longer than a frame interval: decoding limits", () => {
  // 30 fps asked: 33 ms a frame; a throttled page spends 80 ms on each.
  assert.equal(
    limitingStage({ ...keepingUp, deliveredFps: 12, encodedFps: 12, browserMs: 80, waited: true }),
    "decode",
  );
});

Deno.test("frames wait but the browser is quick with each: the network limits", () => {
  assert.equal(
    limitingStage({ ...keepingUp, deliveredFps: 10, encodedFps: 10, browserMs: 6, waited: true }),
    "network",
  );
  // Exactly one frame interval is still quick enough.
  assert.equal(
    limitingStage({ ...keepingUp, deliveredFps: 10, browserMs: 1000 / 30, waited: true }),
    "network",
  );
});

Deno.test("nothing waits for the viewer and the encoder makes fewer frames than asked: encoding limits", () => {
  assert.equal(limitingStage({ ...keepingUp, deliveredFps: 18, encodedFps: 18 }), "encode");
});

Deno.test("a viewer behind with room and a full-rate encoder is not blamed on a stage (a transient)", () => {
  assert.equal(limitingStage({ ...keepingUp, deliveredFps: 20, encodedFps: 30 }), "none");
});

Deno.test("an idle screen (nothing encoded, nothing waits) is no limit; no asked rate is no division by zero", () => {
  assert.equal(limitingStage({ ...keepingUp, deliveredFps: 0, encodedFps: 0 }), "none");
  assert.equal(
    limitingStage({ askedFps: 0, deliveredFps: 0, encodedFps: 0, browserMs: 0, waited: true }),
    "network",
  );
});
