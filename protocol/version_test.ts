import assert from "node:assert/strict";
import { PROTOCOL_VERSION, versionMismatch } from "./version.ts";

Deno.test("the same protocol version passes; another one gets a message that says what to do", () => {
  assert.equal(versionMismatch(PROTOCOL_VERSION), undefined);
  const message = versionMismatch(PROTOCOL_VERSION + 1);
  assert.ok(message);
  assert.match(
    message,
    new RegExp(`version ${PROTOCOL_VERSION}, the session speaks ${PROTOCOL_VERSION + 1}`),
  );
  assert.match(message, /reload the page/);
});

Deno.test("a hello without a usable version is a mismatch, never a match", () => {
  for (const v of [undefined, null, "1", 1.5, Number.NaN]) {
    assert.match(versionMismatch(v) ?? "", /the session speaks an unknown one: reload the page/, String(v));
  }
});
