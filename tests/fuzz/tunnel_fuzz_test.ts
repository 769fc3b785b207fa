// Fuzzing the tunnel in-process (issue 14, target 3): the control message parsers and the stream frame
// decoder of protocol/tunnel.ts both ways, and the gateway's handling of what a streamer sends
// (_tunnel_target.ts, in 2 Web Workers). The streamer's side (streamer/tunnel/connect.ts) and the real
// sockets are in gateway_e2e_fuzz_test.ts, which has the real MUNGE that side needs.
import assert from "node:assert/strict";
import { decodeStreamData, parseTunnelDown, parseTunnelUp } from "../../protocol/tunnel.ts";
import { jsonText } from "./_json.ts";
import { assertClean, runFuzz } from "./_run.ts";
import { runSharded } from "./_shards.ts";
import { dataFrame, downSamples, upText } from "./_tunnel_target.ts";

Deno.test("fuzz: the tunnel's parsers and frame decoder take 100 000 hostile inputs both ways", async () => {
  assertClean(
    await runFuzz({
      name: "tunnel codecs",
      count: 100_000,
      make: (rng) =>
        rng.chance(0.4) ? dataFrame(rng) : rng.chance(0.5) ? upText(rng) : jsonText(rng, downSamples),
      run(input) {
        if (typeof input === "string") {
          const up = parseTunnelUp(input), down = parseTunnelDown(input);
          if (up) assert.ok(["register", "close", "ping", "pong"].includes(up.t));
          if (down) assert.ok(typeof down.t === "string");
        } else {
          const frame = decodeStreamData(input);
          if (frame) assert.ok(frame.id >= 1 && frame.id <= 0xffffffff);
        }
      },
    }),
  );
});

Deno.test("fuzz: the gateway takes 100 000 hostile tunnel frames; streams end cleanly, a new tunnel still works", async () => {
  assertClean(await runSharded(new URL("./_tunnel_target.ts", import.meta.url).href, "gatewayTunnelTarget"));
});
