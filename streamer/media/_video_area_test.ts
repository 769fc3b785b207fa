import assert from "node:assert/strict";
import { Pipeline, pullSample } from "../gst/mod.ts";
import { startTestDisplay } from "../../tests/fixtures/xvfb.ts";
import { cropOrder, cropSides, VideoArea } from "./_video_area.ts";
import { CROP_NAME, ENCODER_NAME, pipelineDescription, SIZE_NAME } from "./pipeline.ts";

Deno.test("cropSides and cropOrder: no moment's crop is larger than the picture", () => {
  assert.deepEqual(cropSides({ x: 0, y: 0, w: 1920, h: 1080 }, 1920, 1080), {
    left: 0,
    top: 0,
    right: 0,
    bottom: 0,
  });
  assert.deepEqual(cropSides({ x: 1856, y: 1024, w: 128, h: 128 }, 1920, 1080), {
    left: 1856,
    top: 1024,
    right: 0,
    bottom: 0,
  });
  // From a region at the left edge to one at the right edge and back, and between arbitrary ones: applying
  // the steps in order never crops more than the width or height.
  const areas = [
    { x: 0, y: 0, w: 256, h: 256 },
    { x: 1664, y: 768, w: 256, h: 312 },
    { x: 640, y: 320, w: 640, h: 512 },
    { x: 0, y: 0, w: 1920, h: 1080 },
    { x: 1600, y: 0, w: 320, h: 1080 },
  ];
  for (const a of areas) {
    for (const b of areas) {
      const crop = cropSides(a, 1920, 1080), to = cropSides(b, 1920, 1080);
      for (const [side, pixels] of cropOrder(crop, to)) {
        crop[side] = pixels;
        assert.ok(
          crop.left + crop.right < 1920 && crop.top + crop.bottom < 1080,
          JSON.stringify([a, b, crop]),
        );
      }
      assert.deepEqual(crop, to);
    }
  }
});

Deno.test("VideoArea: a change crops, sizes and asks a keyframe; older frames and deltas before it are dropped", () => {
  const calls: string[] = [];
  let now = 1000n;
  const area = new VideoArea({
    crop: (side, pixels) => calls.push(`${side}=${pixels}`),
    caps: (caps) => calls.push(caps.replace("video/x-raw,format=I420,", "")),
    keyframe: () => calls.push("key"),
    now: () => now,
  }, { width: 1920, height: 1080, fps: 60 });
  assert.deepEqual(area.admit({ key: false, runningNs: 10n }), { x: 0, y: 0, w: 1920, h: 1080 });
  const region = { x: 64, y: 128, w: 640, h: 512 };
  assert.equal(area.set(region), true);
  assert.equal(area.set({ ...region }), false, "the same area again changes nothing");
  assert.deepEqual(calls, [
    "left=64",
    "top=128",
    "right=1216",
    "bottom=440",
    "width=640,height=512,framerate=60/1",
    "key",
  ]);
  calls.length = 0;
  assert.equal(area.admit({ key: true, runningNs: 999n }), undefined, "captured before the change");
  assert.deepEqual(calls, ["key"], "that keyframe was the one asked for: asked again");
  for (let n = 0; n < 10; n++) {
    assert.equal(area.admit({ key: false, runningNs: 1001n }), undefined, "a delta");
  }
  assert.deepEqual(calls, ["key", "key"], "asked again after 10 deltas");
  assert.deepEqual(area.admit({ key: true, runningNs: 1002n }), region);
  assert.deepEqual(area.admit({ key: false, runningNs: 1003n }), region);
  // A frame rate change keeps the area, resizes nothing, asks no keyframe.
  calls.length = 0;
  area.screen(1920, 1080, 30);
  assert.deepEqual(calls, ["width=640,height=512,framerate=30/1"]);
  assert.deepEqual(area.admit({ key: false, runningNs: 1004n }), region);
  // A new screen size: the whole (new) screen again.
  calls.length = 0;
  now = 2000n;
  area.screen(1280, 720, 30);
  assert.deepEqual(area.area, { x: 0, y: 0, w: 1280, h: 720 });
  assert.deepEqual(calls, [
    "left=0",
    "top=0",
    "right=0",
    "bottom=0",
    "width=1280,height=720,framerate=30/1",
    "key",
  ]);
  assert.equal(area.admit({ key: true, runningNs: 1999n }), undefined);
  // Without a clock, the keyframe alone tells.
  const clockless = new VideoArea({ caps() {}, keyframe() {}, now: () => undefined }, {
    width: 640,
    height: 480,
    fps: 30,
  });
  clockless.set(region);
  assert.equal(clockless.admit({ key: false, runningNs: 5n }), undefined);
  assert.deepEqual(clockless.admit({ key: true }), region);
});

/** The picture size in an Annex-B access unit's SPS (constrained baseline: no high-profile fields). */
function spsSize(au: Uint8Array): { width: number; height: number } | undefined {
  let at = -1;
  for (let i = 0; i + 4 < au.length; i++) {
    if (au[i] === 0 && au[i + 1] === 0 && au[i + 2] === 1 && (au[i + 3] & 0x1f) === 7) at = i + 4;
  }
  if (at < 0) return undefined;
  const bytes: number[] = []; // without emulation prevention (00 00 03)
  for (let i = at; i < au.length && bytes.length < 64; i++) {
    if (au[i] === 3 && bytes.at(-1) === 0 && bytes.at(-2) === 0) continue;
    bytes.push(au[i]);
  }
  let bit = 0;
  const u = (n: number) => {
    let v = 0;
    for (let k = 0; k < n; k++, bit++) v = v * 2 + ((bytes[bit >> 3] >> (7 - (bit & 7))) & 1);
    return v;
  };
  const ue = () => {
    let zeros = 0;
    while (u(1) === 0) zeros++;
    return (1 << zeros) - 1 + u(zeros);
  };
  const profile = u(8);
  if (profile !== 66) throw new Error(`profile ${profile}: this test reads constrained baseline only`);
  u(16), ue(), ue(); // constraints, level, sps id, log2_max_frame_num
  if (ue() === 0) ue(); // pic_order_cnt_type 0: log2_max_pic_order_cnt_lsb
  ue(), u(1); // max_num_ref_frames, gaps allowed
  const wMbs = ue() + 1, hUnits = ue() + 1, frameMbsOnly = u(1);
  if (!frameMbsOnly) u(1);
  u(1); // direct_8x8_inference
  const crop = u(1) ? [ue(), ue(), ue(), ue()] : [0, 0, 0, 0];
  return {
    width: wMbs * 16 - 2 * (crop[0] + crop[1]),
    height: (2 - frameMbsOnly) * hUnits * 16 - 2 * (crop[2] + crop[3]),
  };
}

Deno.test("VideoArea on a real pipeline: each area's first frame is a keyframe of its size, the pipeline lives", async () => {
  const x = await startTestDisplay();
  const motion = new Deno.Command("gst-launch-1.0", {
    args: [
      "-q",
      "videotestsrc",
      "pattern=ball",
      "!",
      "video/x-raw,width=1280,height=720,framerate=30/1",
      "!",
      "ximagesink",
    ],
    env: x.display.env,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const saved = Object.keys(x.display.env).map((k) => [k, Deno.env.get(k)] as const);
  for (const [k, v] of Object.entries(x.display.env)) Deno.env.set(k, v);
  const pipeline = Pipeline.parse(pipelineDescription({
    display: x.display.env.DISPLAY,
    width: 1280,
    height: 720,
    fps: 30,
    encoder: "x264",
    element: "x264enc",
    bitrateKbps: 4000,
    mode: "appsink",
    crop: true,
  }));
  try {
    await pipeline.setState("playing");
    const crop = pipeline.element(CROP_NAME), sink = pipeline.element("video");
    const area = new VideoArea({
      crop: (side, pixels) => crop.set(side, pixels),
      caps: (caps) => pipeline.element(SIZE_NAME).set("caps", caps),
      keyframe: () => pipeline.forceKeyUnit(ENCODER_NAME),
      now: () => pipeline.runningTimeNs(),
    }, { width: 1280, height: 720, fps: 30 });
    // Corners, a move that keeps the size, and back to the whole screen.
    const areas = [
      { x: 0, y: 0, w: 256, h: 256 },
      { x: 1024, y: 448, w: 256, h: 272 },
      { x: 128, y: 64, w: 640, h: 512 },
      { x: 192, y: 64, w: 640, h: 512 },
      { x: 0, y: 0, w: 1280, h: 720 },
    ];
    for (const a of areas) {
      area.set(a);
      const admitted: { key: boolean; data: Uint8Array }[] = [];
      for (let n = 0; n < 60 && admitted.length < 3; n++) {
        const sample = await pullSample(sink, 250);
        if (sample && area.admit(sample)) admitted.push(sample);
      }
      assert.equal(await pipeline.nextEnd(0), undefined, "no error, no end");
      assert.ok(admitted.length === 3 && admitted[0].key, `${JSON.stringify(a)}: ${admitted.length} frames`);
      assert.deepEqual(spsSize(admitted[0].data), { width: a.w, height: a.h });
    }
  } finally {
    await pipeline.setState("null");
    for (const [k, v] of saved) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
    motion.kill();
    await motion.status;
    await x.stop();
  }
});
