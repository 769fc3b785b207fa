import assert from "node:assert/strict";
import { renderSessionMetrics } from "./metrics.ts";

Deno.test("session metrics: the encoder's rate and each WebSocket viewer's delivery, labelled by viewer", () => {
  const delivery = {
    paced: true,
    fps: 9,
    inFlight: 2,
    window: 2,
    rttMs: 0.6,
    browserMs: 95,
    latencyMs: 240,
    skipped: 31,
    limit: "decode" as const,
  };
  const text = renderSessionMetrics({ fps: 30, kbps: 1499.6 }, [
    { id: 3, remote: 'gateway:"ada"', delivery },
    { id: 4, remote: "127.0.0.1:5000", delivery: undefined }, // on WebRTC
  ]);
  const lines = text.split("\n");
  assert.ok(lines.includes("selkies_encoder_fps 30"));
  assert.ok(lines.includes("selkies_encoder_kbps 1500"));
  assert.ok(lines.includes("selkies_viewers 2"));
  assert.ok(lines.includes('selkies_viewer_latency_ms{viewer="3",remote="gateway:\\"ada\\""} 240'));
  assert.ok(lines.includes('selkies_viewer_frames_in_flight{viewer="3",remote="gateway:\\"ada\\""} 2'));
  assert.ok(lines.includes('selkies_viewer_skipped_frames_total{viewer="3",remote="gateway:\\"ada\\""} 31'));
  assert.ok(lines.includes('selkies_viewer_browser_ms{viewer="3",remote="gateway:\\"ada\\""} 95'));
  const limits = lines.filter((l) => l.startsWith('selkies_viewer_limit{viewer="3"'));
  assert.deepEqual(limits.map((l) => l.replace(/^.*stage="(\w+)"\} /, "$1 ")), [
    "none 0",
    "network 0",
    "decode 1",
    "encode 0",
  ]);
  assert.ok(!text.includes('viewer="4"'), "a viewer without WebSocket media has no delivery");
  assert.ok(text.endsWith("\n"));
  for (const line of lines.filter((l) => l && !l.startsWith("#"))) {
    assert.match(line, /^selkies_[a-z_]+(\{[^}]*\})? [0-9.]+$/, line);
  }
});
