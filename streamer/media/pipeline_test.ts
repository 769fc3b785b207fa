import assert from "node:assert/strict";
import { Pipeline } from "../gst/mod.ts";
import { PLAYOUT_DELAY_ID, PLAYOUT_DELAY_URI } from "../gst/mod.ts";
import {
  bitrateProperty,
  pipelineDescription,
  type PipelineOptions,
  vbvMs,
  workerThreads,
} from "./pipeline.ts";

const base: PipelineOptions = {
  display: ":5",
  width: 1920,
  height: 1080,
  fps: 60,
  encoder: "x264",
  element: "x264enc",
  bitrateKbps: 8000,
  mode: "appsink",
};

Deno.test("x264 for a desktop: quality-capped VBR, no B-frames, keyframe every 2 s, Annex B AUs", () => {
  const d = pipelineDescription(base);
  assert.match(
    d,
    /^ximagesrc name=capture display-name=:5 use-damage=false show-pointer=false ! valve name=gate /,
  );
  // The capture's rate is set by the size caps (no videorate: it caught up on missed slots, see sizeCaps).
  assert.match(
    d,
    /capsfilter name=size caps="video\/x-raw,format=I420,width=1920,height=1080,framerate=60\/1"/,
  );
  assert.doesNotMatch(d, /videorate/);
  assert.match(
    d,
    /x264enc name=enc tune=zerolatency speed-preset=ultrafast bframes=0 key-int-max=120 pass=qual/,
  );
  assert.match(d, /bitrate=8000 vbv-buf-capacity=500 threads=\d+ sliced-threads=true/);
  assert.match(d, /capsfilter name=size [^!]* ! x264enc/, "no queue before the encoder");
  assert.match(
    d,
    /h264parse config-interval=-1 ! video\/x-h264,stream-format=byte-stream,alignment=au,profile=constrained-baseline/,
  );
  assert.match(d, /appsink name=video/);
  assert.doesNotMatch(d, /webrtcbin|pulsesrc/);
});

Deno.test("x264 over WebRTC: no frame waits or grows (no queue, sliced threads, 1.5-frame VBV, keyframes on request)", () => {
  const d = pipelineDescription({ ...base, mode: "webrtc" });
  assert.match(
    d,
    /capsfilter name=size caps="[^"]*" ! x264enc name=enc /,
    "the encoder follows the converter directly",
  );
  assert.doesNotMatch(d, / ! queue /);
  assert.match(d, /key-int-max=2147483647 /, "no periodic keyframes");
  assert.match(d, /vbv-buf-capacity=25 threads=\d+ sliced-threads=true/);
  assert.match(pipelineDescription({ ...base, mode: "webrtc", fps: 30 }), /vbv-buf-capacity=50 /);
  const periodic = pipelineDescription({ ...base, mode: "webrtc", keyframeSeconds: 4 });
  assert.match(
    periodic,
    /key-int-max=240 [^!]*vbv-buf-capacity=50 /,
    "periodic keyframes get 3 frames of VBV",
  );
  assert.equal(vbvMs({ fps: 60, mode: "appsink" }), 500);
  assert.equal(vbvMs({ fps: 60, mode: "webrtc" }), 25);
});

Deno.test("WebRTC video caps ask the payloader for the playout-delay extension (min = max = 0)", () => {
  const extmap = `extmap-${PLAYOUT_DELAY_ID}=(string)${PLAYOUT_DELAY_URI}`;
  for (const [encoder, element] of [["x264", "x264enc"], ["vp8", "vp8enc"]] as const) {
    const d = pipelineDescription({
      ...base,
      encoder,
      element,
      mode: "webrtc",
      audio: { pulseServer: "unix:/x" },
    });
    assert.equal(d.split(extmap).length, 2, `${encoder}: once, on the video caps only: ${d}`);
    assert.match(
      d,
      new RegExp(`application/x-rtp,media=video,[^!]*${extmap.replace(/[()]/g, "\\$&")} ! webrtc\\.`),
    );
  }
  assert.doesNotMatch(pipelineDescription(base), /extmap/);
});

Deno.test("webrtc mode payloads into webrtcbin, audio adds an Opus branch", () => {
  const d = pipelineDescription({ ...base, mode: "webrtc", audio: { pulseServer: "unix:/run/p s/native" } });
  assert.match(d, /^webrtcbin name=webrtc bundle-policy=max-bundle/);
  assert.match(
    d,
    /rtph264pay config-interval=-1 aggregate-mode=zero-latency ! application\/x-rtp,[^!]* ! webrtc\./,
  );
  assert.match(
    d,
    /pulsesrc server="unix:\/run\/p s\/native"[^]*opusenc frame-size=10[^]* ! rtpopuspay ! [^!]*! webrtc\./,
  );
  assert.doesNotMatch(d, /appsink/);
  const appsink = pipelineDescription({ ...base, audio: { pulseServer: "unix:/x" } });
  assert.match(appsink, /opusenc frame-size=10 [^!]*! appsink name=audio/);
});

Deno.test("each encoder gets its own rate-control settings and bitrate units", () => {
  assert.match(
    pipelineDescription({ ...base, encoder: "nvh264", element: "nvh264enc", cudaDevice: 1 }),
    /nvh264enc name=enc rc-mode=vbr zerolatency=true [^!]*bitrate=8000 max-bitrate=8000 cuda-device-id=1 ! h264parse/,
  );
  assert.match(
    pipelineDescription({ ...base, encoder: "vah264", element: "vah264enc" }),
    /vah264enc name=enc rate-control=vbr/,
  );
  assert.match(
    pipelineDescription({ ...base, encoder: "vah264", element: "vaapih264enc" }),
    /vaapih264enc name=enc/,
  );
  assert.match(
    pipelineDescription({ ...base, encoder: "openh264", element: "openh264enc" }),
    /bitrate=8000000 max-bitrate=8000000/,
  );
  const vp8 = pipelineDescription({ ...base, encoder: "vp8", element: "vp8enc", mode: "webrtc" });
  assert.match(vp8, /vp8enc name=enc deadline=1 cpu-used=8 [^!]*target-bitrate=8000000[^!]* ! rtpvp8pay/);
  assert.doesNotMatch(vp8, /h264parse/);
  assert.deepEqual(bitrateProperty("x264", 2500.4), { name: "bitrate", value: 2500 });
  assert.deepEqual(bitrateProperty("openh264", 2500), { name: "bitrate", value: 2_500_000 });
});

Deno.test("the descriptions of the encoders present here parse in GStreamer (every property exists)", async () => {
  for (
    const [encoder, element] of [["x264", "x264enc"], ["openh264", "openh264enc"], ["vp8", "vp8enc"]] as const
  ) {
    for (const mode of ["appsink", "webrtc"] as const) {
      const pipeline = Pipeline.parse(
        pipelineDescription({ ...base, encoder, element, mode, audio: { pulseServer: "unix:/nonexistent" } }),
      );
      await pipeline.setState("null");
    }
  }
});

Deno.test("the hybrid encoding's pipeline crops after the gate, before conversion; the others do not crop", async () => {
  const d = pipelineDescription({ ...base, crop: true });
  assert.match(d, /valve name=gate [^!]*! videocrop name=crop ! videoscale ! videoconvert /);
  assert.doesNotMatch(pipelineDescription(base), /videocrop/);
  await Pipeline.parse(d).setState("null");
});

Deno.test("threads follow the pixel rate and never exceed the job's CPUs", () => {
  assert.deepEqual(workerThreads({ width: 1280, height: 720, fps: 30, cpus: 16 }), {
    encoder: 2,
    convert: 1,
  });
  assert.deepEqual(workerThreads({ width: 1920, height: 1080, fps: 60, cpus: 16 }), {
    encoder: 5,
    convert: 3,
  });
  assert.deepEqual(workerThreads({ width: 3840, height: 2160, fps: 30, cpus: 16 }), {
    encoder: 9,
    convert: 5,
  });
  assert.deepEqual(workerThreads({ width: 3840, height: 2160, fps: 60, cpus: 4 }), {
    encoder: 4,
    convert: 4,
  });
  assert.deepEqual(workerThreads({ width: 1920, height: 1080, fps: 60, cpus: 1 }), {
    encoder: 1,
    convert: 1,
  });
});
