import assert from "node:assert/strict";
import { hashSessionSecret, registrationKey, sessionIdOf, sessionKeys } from "./session_id.ts";
import { SESSION_ID_PATTERN } from "./tunnel.ts";

Deno.test("a session id derives from the secret through the registration key, one way", () => {
  const keys = sessionKeys("s3cret-token");
  assert.equal(keys.registrationKey, registrationKey("s3cret-token"));
  assert.equal(keys.sessionId, sessionIdOf(keys.registrationKey));
  assert.equal(keys.tokenHash, hashSessionSecret("s3cret-token"));
  assert.match(keys.sessionId, SESSION_ID_PATTERN);
  assert.equal(keys.sessionId.length, 22);
  assert.match(keys.registrationKey, /^[A-Za-z0-9_-]{43}$/);
  // Domain separation: neither the key nor the id is the token hash, and the id is not a prefix of either.
  assert.notEqual(keys.registrationKey, keys.tokenHash);
  assert.ok(!keys.tokenHash.startsWith(keys.sessionId) && !keys.registrationKey.startsWith(keys.sessionId));
  assert.deepEqual(sessionKeys("s3cret-token"), keys, "deterministic");
  assert.notEqual(sessionKeys("s3cret-token2").sessionId, keys.sessionId);
});
