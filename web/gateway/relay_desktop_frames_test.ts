import assert from "node:assert/strict";
import { encodeMicFrame } from "../../protocol/microphone.ts";
import { encodeImageChunks, PNG_SIGNATURE } from "../../protocol/clipboard_image.ts";
import { GatewayMetrics } from "./metrics.ts";
import { relayViewer } from "./relay.ts";
import type { GatewayTunnel } from "./tunnel_conn.ts";
import { MemorySocket } from "../../tests/fuzz/_sockets.ts";

// The relay passes a controlling viewer's microphone and clipboard-image frames to the streamer and refuses
// a view-only viewer's (the streamer refuses them too: streamer/session/viewer_desktop_frames_test.ts).
function relay(viewOnly: boolean) {
  const forwarded: (string | Uint8Array)[] = [];
  const tunnel = {
    openStream: () => 1,
    sendData: (_id: number, data: string | Uint8Array) => void forwarded.push(data),
    closeStream: () => {},
    viewerBufferedAmount: 0,
  } as unknown as GatewayTunnel;
  const metrics = new GatewayMetrics(() => ({ sessions: 0, viewers: 0, tunnels: 0 }));
  const browser = new MemorySocket();
  relayViewer(browser.asWebSocket(), { tunnel, viewOnly, metrics });
  browser.open();
  return { browser, forwarded, metrics };
}

Deno.test("relay: microphone and clipboard-image frames pass for the owner, never for a view-only link", () => {
  const image = new Uint8Array(200_000);
  image.set(PNG_SIGNATURE);
  const frames = [
    encodeMicFrame({ seq: 1, timestampUs: 0, payload: new Uint8Array(60) }),
    ...encodeImageChunks(1, image),
    JSON.stringify({ t: "mic", on: true }),
  ];
  const owner = relay(false);
  for (const frame of frames) owner.browser.receive(frame);
  assert.equal(owner.forwarded.length, frames.length);
  const watcher = relay(true);
  for (const frame of frames) watcher.browser.receive(frame);
  assert.deepEqual(watcher.forwarded, []);
  assert.equal(watcher.metrics.messagesRefused, frames.length);
  assert.equal(watcher.browser.closedWith, undefined, "refused, not disconnected");
});
