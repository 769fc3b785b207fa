import assert from "node:assert/strict";
import { clientAddress } from "./index.ts";

Deno.test("X-Forwarded-For is believed only from trusted proxies, right to left", () => {
  const trusted = new Set(["10.0.0.1", "10.0.0.2"]);
  assert.equal(clientAddress("10.0.0.9", "203.0.113.5", trusted), "10.0.0.9");
  assert.equal(clientAddress("10.0.0.1", undefined, trusted), "10.0.0.1");
  assert.equal(clientAddress("10.0.0.1", "203.0.113.5", trusted), "203.0.113.5");
  // The client may prepend anything; only what the trusted proxies appended counts.
  assert.equal(clientAddress("10.0.0.1", "1.2.3.4, 203.0.113.5", trusted), "203.0.113.5");
  // A chain of trusted proxies is walked through.
  assert.equal(clientAddress("10.0.0.1", "203.0.113.5, 10.0.0.2", trusted), "203.0.113.5");
  assert.equal(clientAddress("10.0.0.1", " , 10.0.0.2", trusted), "10.0.0.2");
});
