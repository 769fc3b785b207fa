import assert from "node:assert/strict";
import { IceServerSchema } from "./ice.ts";
import { parseTunnelDown } from "./tunnel.ts";

Deno.test("one ICE server shape: the wire drops unknown keys, config files refuse them", () => {
  const turn = { urls: ["turn:t.example:3478"], username: "1:ada", credential: "c" };
  assert.deepEqual(IceServerSchema.parse({ ...turn, credentialType: "password" }), turn);
  assert.equal(IceServerSchema.strict().safeParse({ url: "stun:s.example" }).success, false);
  assert.equal(IceServerSchema.safeParse({ urls: [] }).success, false, "an empty URL list is no server");
  const registered = parseTunnelDown(
    JSON.stringify({ t: "registered", v: 2, sessionUrl: "u", iceServers: [turn] }),
  );
  assert.deepEqual(registered, { t: "registered", v: 2, sessionUrl: "u", iceServers: [turn] });
});
