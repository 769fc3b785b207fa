/**
 * The client's WebRTC transport in headless Chromium, against a peer in a second page that plays the
 * streamer's part (offers a canvas stream and an `input` data channel), signalled through the real server.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { parseClientMessage } from "../../protocol/protocol.ts";
import { createStreamerApp, serveStreamer, type ViewerSocket } from "../../streamer/server/mod.ts";
import { waitFor } from "../../tests/fixtures/async.ts";
import {
  fakeHello,
  launchChromium,
  type TestBrowser,
  type Win,
} from "../../tests/fixtures/client_browser.ts";

const TOKEN = "webrtc-test-secret";

type PeerWin = typeof globalThis & {
  pc: RTCPeerConnection;
  toClient(text: string): void;
  fromChannel(text: string): void;
};

/** Runs in the peer page: left half red, right half blue, offered with a data channel named `input`. */
async function offer(): Promise<string> {
  const w = globalThis as PeerWin;
  const canvas = document.createElement("canvas");
  canvas.width = 320;
  canvas.height = 240;
  document.body.append(canvas);
  const ctx = canvas.getContext("2d")!;
  setInterval(() => {
    ctx.fillStyle = "rgb(220, 30, 30)";
    ctx.fillRect(0, 0, 160, 240);
    ctx.fillStyle = "rgb(30, 30, 220)";
    ctx.fillRect(160, 0, 160, 240);
  }, 33);
  const stream = canvas.captureStream(30);
  const pc = w.pc = new RTCPeerConnection();
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  const channel = pc.createDataChannel("input");
  channel.onmessage = (e) => w.fromChannel(e.data);
  pc.onicecandidate = (e) => {
    if (e.candidate?.candidate) {
      w.toClient(
        JSON.stringify({
          t: "ice",
          candidate: e.candidate.candidate,
          sdpMLineIndex: e.candidate.sdpMLineIndex,
        }),
      );
    }
  };
  await pc.setLocalDescription(await pc.createOffer());
  return pc.localDescription!.sdp;
}

Deno.test({
  name: "the WebRTC transport negotiates through the server, shows video and sends input on the data channel",
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const viaSocket: string[] = [];
  const viaChannel: string[] = [];
  let client: ViewerSocket | undefined;
  let peer: Page | undefined;
  // Signalling steps run one after another, as a real server's would.
  let queue: Promise<unknown> = Promise.resolve();
  const app = createStreamerApp({
    token: TOKEN,
    viewer(socket) {
      client = socket;
      socket.send(JSON.stringify(fakeHello({ width: 320, height: 240 })));
      socket.onMessage((data) => {
        const message = typeof data === "string" ? parseClientMessage(data) : undefined;
        if (!message) return;
        viaSocket.push(message.t);
        const p = peer!;
        if (message.t === "webrtc") {
          queue = queue.then(() => p.evaluate(offer)).then((sdp) =>
            socket.send(JSON.stringify({ t: "sdp", type: "offer", sdp }))
          );
        } else if (message.t === "sdp") {
          queue = queue.then(() =>
            p.evaluate(
              (sdp) => (globalThis as PeerWin).pc.setRemoteDescription({ type: "answer", sdp }),
              message.sdp,
            )
          );
        } else if (message.t === "ice") {
          const candidate = { candidate: message.candidate, sdpMLineIndex: message.sdpMLineIndex };
          queue = queue.then(() =>
            p.evaluate((c) => (globalThis as PeerWin).pc.addIceCandidate(c), candidate)
          );
        }
      });
    },
  });
  const server = await serveStreamer(app, { bind: "127.0.0.1" });
  let chromium: TestBrowser | undefined;
  try {
    chromium = await launchChromium();
    peer = await chromium.context.newPage();
    await peer.exposeFunction("toClient", (text: string) => client?.send(text));
    await peer.exposeFunction("fromChannel", (text: string) => viaChannel.push(text));
    const page = chromium.context.pages()[0];
    await page.bringToFront();
    // Keep the client's peer connection reachable, to read its receivers.
    await page.addInitScript(() => {
      const Native = RTCPeerConnection;
      const pcs: RTCPeerConnection[] = (globalThis as unknown as { pcs: RTCPeerConnection[] }).pcs = [];
      globalThis.RTCPeerConnection = function (config?: RTCConfiguration) {
        const pc = new Native(config);
        pcs.push(pc);
        return pc;
      } as unknown as typeof RTCPeerConnection;
      globalThis.RTCPeerConnection.prototype = Native.prototype;
    });
    await page.goto(`${server.url}?token=${TOKEN}&transport=webrtc`);
    await page.waitForFunction(() => (globalThis as Win).selkiesStats?.transport === "webrtc", null, {
      timeout: 15_000,
    });
    await page.waitForFunction(() => (globalThis as Win).selkiesStats.framesDecoded > 10, null, {
      timeout: 10_000,
    });
    assert.ok(viaSocket.includes("sdp") && viaSocket.includes("ice"), `signalling: ${viaSocket}`);
    // The receiver asks for no extra buffering (the standard hint and Chromium's older one).
    const hints = await page.evaluate(() =>
      (globalThis as unknown as { pcs: RTCPeerConnection[] }).pcs.flatMap((pc) =>
        pc.getReceivers().map((r) => {
          const hinted = r as RTCRtpReceiver & {
            jitterBufferTarget?: number | null;
            playoutDelayHint?: number;
          };
          return { kind: r.track.kind, target: hinted.jitterBufferTarget, hint: hinted.playoutDelayHint };
        })
      )
    );
    assert.deepEqual(hints, [{ kind: "video", target: 0, hint: 0 }]);
    // The overlay's WebRTC delivery (web/client/_receiver.ts): the receiver's latency estimate once a second.
    await page.waitForFunction(
      () => /~\d+ ms/.test(document.getElementById("status")?.textContent ?? ""),
      null,
      {
        timeout: 5_000,
      },
    );
    const status = await page.evaluate(() => document.getElementById("status")?.textContent ?? "");
    assert.match(status, /^webrtc · \d+ fps · .* · ~\d+ ms · \d+ queued( · limited by \w+)? · connected$/);

    const left = await page.evaluate(() => (globalThis as Win).selkiesDebug.pixel(80, 120));
    const right = await page.evaluate(() => (globalThis as Win).selkiesDebug.pixel(240, 120));
    assert.ok(left && left[0] > 160 && left[2] < 90, `left half is red: ${left}`);
    assert.ok(right && right[2] > 160 && right[0] < 90, `right half is blue: ${right}`);

    // Input goes over the data channel once it is open.
    await page.waitForFunction(() => (globalThis as Win).selkiesDebug.inputChannel() === "open");
    viaSocket.length = 0;
    await page.mouse.click(100 + 2.5 * 240, 2.5 * 200);
    await waitFor(
      "a button release on the data channel",
      () => viaChannel.some((m) => m.includes('"mb"') && m.includes('"d":false')),
    );
    assert.ok(viaChannel.includes(JSON.stringify({ t: "ma", x: 240, y: 200 })), `channel: ${viaChannel}`);
    assert.ok(!viaSocket.includes("mb"), "buttons did not use the WebSocket");
  } finally {
    await chromium?.close();
    await server.close();
  }
});
