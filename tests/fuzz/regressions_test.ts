// Regression tests for the bugs the fuzz suite found, each reduced to the input that showed it.
import assert from "node:assert/strict";
import { buildSpec } from "../../jobs/config.ts";
import { SpecError } from "../../jobs/errors.ts";
import { applyInput } from "../../streamer/session/input.ts";
import type { DesktopPort } from "../../streamer/session/ports.ts";
import { Clipboard } from "../../streamer/x11/_clipboard.ts";
import { startTestDisplay } from "../fixtures/xvfb.ts";
import { GatewayMetrics } from "../../web/gateway/metrics.ts";
import { relayViewer } from "../../web/gateway/relay.ts";
import { SessionRegistry } from "../../web/gateway/registry.ts";
import { acceptTunnel } from "../../web/gateway/tunnel_server.ts";
import type { GatewayTunnel } from "../../web/gateway/tunnel_conn.ts";
import { MemorySocket } from "./_sockets.ts";

Deno.test("a streamer's close with a 123-character reason of multi-byte text still closes the browser's socket", () => {
  const tunnels = new Set<GatewayTunnel>();
  const metrics = new GatewayMetrics(() => ({ sessions: 0, viewers: 0, tunnels: tunnels.size }));
  const streamer = new MemorySocket();
  const tunnel = acceptTunnel(streamer.asWebSocket(), "test", {
    registry: new SessionRegistry(),
    metrics,
    tunnels,
    publicUrl: "https://gw.example.org/",
    verify: {},
    registerTimeoutMs: 60_000,
    pingMs: 60_000,
  });
  const browser = new MemorySocket();
  let ended = false;
  relayViewer(browser.asWebSocket(), { tunnel, viewOnly: false, metrics, onEnd: () => ended = true });
  browser.open();
  // 123 characters are what the tunnel schema allows; 369 UTF-8 bytes are more than a close frame carries.
  streamer.receive(JSON.stringify({ t: "close", id: 1, code: 4000, reason: "€".repeat(123) }));
  assert.ok(ended, "the relay ended the stream");
  assert.equal(browser.readyState, WebSocket.CLOSED, "and the browser's socket is closed, not left open");
  streamer.close(1000);
});

Deno.test("an sbatch option named like an Object.prototype member is refused with the allow-list, not a TypeError", () => {
  // (`__proto__` never reaches the check: zod builds the record by assignment, which drops it.)
  for (const key of ["constructor", "toString", "hasOwnProperty", "valueOf"]) {
    assert.throws(
      () => buildSpec({ sbatchOptions: JSON.parse(`{"${key}":"x"}`) }),
      (error) => error instanceof SpecError && /is not allowed/.test(error.message),
      key,
    );
  }
});

Deno.test("clipboard sets in quick succession all resolve: a replaced xclip's broken pipe is no error", async () => {
  const x = await startTestDisplay();
  const clipboard = new Clipboard(x.display.env);
  try {
    // Found by the end-to-end fuzzer: 199 of 200 such sets rejected with BrokenPipe, and the viewer dropped
    // the rejection, which ended the streamer's process.
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => clipboard.set(`${i}`.repeat(50_000))),
    );
    assert.deepEqual(results.filter((r) => r.status === "rejected"), []);
  } finally {
    await clipboard.close();
    await x.stop();
  }
});

Deno.test("a clipboard message whose set fails is logged, not left as an unhandled rejection", async () => {
  const unhandled: unknown[] = [];
  const onRejection = (
    event: PromiseRejectionEvent,
  ) => (event.preventDefault(), unhandled.push(event.reason));
  globalThis.addEventListener("unhandledrejection", onRejection);
  try {
    const desktop = {
      setClipboard: () => Promise.reject(new Error("xclip is gone")),
    } as unknown as DesktopPort;
    applyInput(desktop, { t: "clip", text: "hello" });
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(unhandled, []);
  } finally {
    globalThis.removeEventListener("unhandledrejection", onRejection);
  }
});
