import assert from "node:assert/strict";
import { parseCase } from "./_gpu_report.ts";
import { measureCase } from "./gpu.ts";

Deno.test("parseCase reads content, size and fps, and refuses anything else", () => {
  assert.deepEqual(parseCase("gl-4k30"), {
    name: "gl-4k30",
    content: "gl",
    width: 3840,
    height: 2160,
    fps: 30,
    encoding: "video",
  });
  assert.equal(parseCase("gl-1080p60-hybrid").encoding, "hybrid");
  assert.equal(parseCase("glx-4k60").content, "glx", "a GLX program under VirtualGL");
  assert.equal(parseCase("glx-1080p60-hybrid").content, "glx");
  assert.equal(parseCase("gl-1080p60-hybrid").width, 1920);
  assert.deepEqual(parseCase("idle-720p60").width, 1280);
  for (const bad of ["gl-1080p", "gl-1080p0", "gl-1080p121", "vnc-720p30", "gl-800p30", "gl-720p30-tiles"]) {
    assert.throws(() => parseCase(bad), TypeError, bad);
  }
});

Deno.test({
  name: "measureCase streams a real idle session and counts what the WebSocket delivers",
  sanitizeResources: false, // the session's child processes are ended by stop(); Deno tracks their pipes
  fn: async () => {
    const r = await measureCase(parseCase("idle-720p15"), { seconds: 2, warmup: 1 });
    assert.equal(r.encoder, "x264enc");
    // An unchanging desktop sends its first keyframe and then nothing (damage-gated capture).
    assert.ok(r.deliveredFps < 2, `an idle screen delivered ${r.deliveredFps} fps`);
    assert.ok(r.serverCpu > 0, `server CPU ${r.serverCpu}%`);
    assert.ok(r.firstFrameMs > 0 && r.firstFrameMs < 10_000, `first frame ${r.firstFrameMs} ms`);
    assert.ok(r.serverCpu < 50, `an idle session costs ${r.serverCpu}% of a core`);
    assert.equal(r.glFps, null);
    assert.equal(r.carried, null);
  },
});

Deno.test({
  name:
    "measureCase runs the hybrid twin: an idle screen sends its key update before measuring, then nothing",
  sanitizeResources: false,
  fn: async () => {
    const r = await measureCase(parseCase("idle-720p15-hybrid"), { seconds: 2, warmup: 1 });
    assert.equal(r.codec, "selkies-screen/1");
    assert.ok(r.firstFrameMs > 0 && r.firstFrameMs < 10_000, `first update ${r.firstFrameMs} ms`);
    assert.ok(r.carried, "screen updates are counted");
    assert.equal(r.carried.videoUpdates, 0, "a still screen never switches to video");
    assert.equal(r.carried.malformed, 0);
    assert.ok(r.kbps < 10, `an idle hybrid stream sent ${r.kbps} kbit/s`);
  },
});
