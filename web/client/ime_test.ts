import assert from "node:assert/strict";
import { isComposingKey } from "./ime.ts";

Deno.test("keys an input method is composing with are recognised (isComposing, or keyCode 229)", () => {
  assert.ok(isComposingKey({ isComposing: true, keyCode: 65 }));
  assert.ok(isComposingKey({ isComposing: false, keyCode: 229 })); // "Process" (Windows), "Unidentified" (Android)
  assert.ok(!isComposingKey({ isComposing: false, keyCode: 65 }));
  assert.ok(!isComposingKey({ isComposing: false, keyCode: 0 })); // synthetic events
});
