import assert from "node:assert/strict";
import { GatewayConfigError, gatewayOptionsFrom, parseGatewayConfig } from "./config.ts";

Deno.test("config defaults: site mode, token auth, 127.0.0.1:8080", async () => {
  const options = await gatewayOptionsFrom(parseGatewayConfig({}));
  assert.deepEqual(
    [options.mode, options.auth, options.hostname, options.port, options.turn],
    ["site", { mode: "token" }, "127.0.0.1", 8080, undefined],
  );
});

Deno.test("config maps header auth and reads a 0600 TURN secret file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/secret`, "0123456789abcdefXYZ\n", { mode: 0o600 });
    const options = await gatewayOptionsFrom(parseGatewayConfig({
      auth: { header: { trustedProxies: ["10.0.0.1"] } },
      turn: { urls: ["turn:t.example:3478"], secretFile: `${dir}/secret` },
      iceServers: [{ urls: "stun:t.example:3478" }],
      allowedOrigins: ["https://portal.example/some/path"],
      trustedProxies: ["10.0.0.2"],
    }));
    assert.deepEqual(options.trustedProxies, ["10.0.0.2"]);
    assert.deepEqual(options.auth, { mode: "header", header: "X-Remote-User", trustedProxies: ["10.0.0.1"] });
    assert.equal(options.turn?.secret, "0123456789abcdefXYZ");
    assert.deepEqual(options.turn?.extra, [{ urls: "stun:t.example:3478" }]);
    assert.deepEqual(options.allowedOrigins, ["https://portal.example"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config refuses unknown keys and bad values with the field's name", () => {
  assert.throws(() => parseGatewayConfig({ listen: { port: 70000 } }), /listen\.port/);
  assert.throws(() => parseGatewayConfig({ typo: 1 }), GatewayConfigError);
  assert.throws(() => parseGatewayConfig({ turn: { urls: ["http://x"], secret: "x".repeat(16) } }), /turn:/);
});
