import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS } from "../../tests/fixtures/browser.ts";
import type { WebRtcPeer } from "./session.ts";
import { startMotion, startPulse, startXvfb, testMediaSession } from "../../tests/fixtures/media.ts";
import { waitFor } from "../../tests/fixtures/async.ts";
import { childPids } from "../../tests/fixtures/procs.ts";

const PAGE = `<!doctype html><video id=v muted autoplay playsinline></video><script>
window.frames_ = 0; window.firstFrameMs = 0;
const t0 = performance.now();
const ws = new WebSocket("ws://" + location.host + "/ws");
const pc = new RTCPeerConnection();
pc.onicecandidate = (e) => e.candidate &&
  ws.send(JSON.stringify({ t: "ice", candidate: e.candidate.candidate, sdpMLineIndex: e.candidate.sdpMLineIndex }));
pc.ontrack = (e) => {
  if (e.track.kind !== "video") return;
  const v = document.getElementById("v");
  v.srcObject = new MediaStream([e.track]);
  const tick = () => { window.frames_++; window.firstFrameMs ||= performance.now() - t0; v.requestVideoFrameCallback(tick); };
  v.requestVideoFrameCallback(tick);
};
pc.ondatachannel = (e) => { e.channel.onopen = () => e.channel.send("hello from the browser"); };
ws.onmessage = async (m) => {
  const msg = JSON.parse(m.data);
  if (msg.t === "sdp") {
    await pc.setRemoteDescription({ type: "offer", sdp: msg.sdp });
    window.offer = msg.sdp;
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    window.answer = answer.sdp;
    ws.send(JSON.stringify({ t: "sdp", type: "answer", sdp: answer.sdp }));
  } else if (msg.t === "ice") {
    await pc.addIceCandidate({ candidate: msg.candidate, sdpMLineIndex: msg.sdpMLineIndex });
  }
};
window.framesDecoded = async () => {
  let n = 0;
  (await pc.getStats()).forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "video") n = r.framesDecoded; });
  return n;
};
window.audioPackets = async () => {
  let n = 0;
  (await pc.getStats()).forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "audio") n = r.packetsReceived; });
  return n;
};
</script>`;

Deno.test("webrtc viewer: headless Chromium decodes frames, data channel reaches the parent", async () => {
  const W = 1280, H = 720;
  const x = await startXvfb(W, H);
  const motion = startMotion(x, "ball", W, H);
  const pulse = await startPulse();
  const media = testMediaSession(x, {
    width: W,
    height: H,
    fps: 30,
    bitrateKbps: 4000,
    audio: { pulseServer: pulse.server },
  });
  const received: string[] = [];
  const peers: WebRtcPeer[] = [];
  let closed = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (new URL(req.url).pathname !== "/ws") {
      return new Response(PAGE, { headers: { "content-type": "text/html" } });
    }
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onopen = async () => {
      const peer = await media.createPeer({
        iceServers: [],
        onSignal: (msg) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(msg)),
        onData: (text) => received.push(text),
        onClose: () => closed++,
      });
      peers.push(peer);
      socket.onmessage = (m) => peer.signal(JSON.parse(m.data));
    };
    return response;
  });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [...CHROMIUM_FLAGS, "--disable-features=WebRtcHideLocalIpsWithMdns"],
  });
  try {
    await media.start();
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.addr.port}/`);
    await page.waitForFunction(() => (window as unknown as { frames_: number }).frames_ >= 30, null, {
      timeout: 20_000,
    });
    const decoded = await page.evaluate(() =>
      (window as unknown as { framesDecoded(): Promise<number> }).framesDecoded()
    );
    const firstFrameMs = await page.evaluate(() =>
      (window as unknown as { firstFrameMs: number }).firstFrameMs
    );
    const offer = await page.evaluate(() => (window as unknown as { offer: string }).offer);
    console.log(
      `WebRTC: first frame ${firstFrameMs.toFixed(0)} ms after page load; framesDecoded ${decoded}`,
    );
    assert.ok(decoded >= 30, `framesDecoded ${decoded}`);
    const audioPackets = await page.evaluate(() =>
      (window as unknown as { audioPackets(): Promise<number> }).audioPackets()
    );
    assert.ok(audioPackets > 10, `audio packets received ${audioPackets}`);
    assert.match(offer, /a=rtcp-fb:96 nack\b/, "NACK negotiated");
    assert.match(offer, /a=rtpmap:\d+ rtx\/90000/, "RTX offered");
    assert.match(offer, /a=group:BUNDLE video0 audio1 application2/);
    assert.match(offer, /a=rtpmap:111 OPUS\/48000\/2/i);
    assert.match(offer, /a=sendonly/);
    // Chromium accepts the playout-delay extension, so it plays frames as they come (no jitter-buffer wait).
    const answer = await page.evaluate(() => (window as unknown as { answer: string }).answer);
    const playoutDelay = /a=extmap:5 http:\/\/www\.webrtc\.org\/experiments\/rtp-hdrext\/playout-delay/;
    assert.match(offer, playoutDelay);
    assert.match(answer, playoutDelay);
    await waitFor("the data channel's message", () => received.length, 5000);
    assert.deepEqual(received, ["hello from the browser"]);
    assert.equal(childPids().length > 1, true, "shared worker + peer worker running");
    await Promise.all(peers.map((p) => p.close()));
    assert.equal(closed, 1);
  } finally {
    await browser.close();
    await Promise.all(peers.map((p) => p.close()));
    await media.stop();
    await server.shutdown();
    await motion.close();
    await pulse.close();
    await x.close();
  }
  assert.deepEqual(childPids(), [], "no worker left after stop()");
});
