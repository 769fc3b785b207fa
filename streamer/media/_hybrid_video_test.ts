import assert from "node:assert/strict";
import { decodeScreenUpdate } from "../../protocol/screen_update.ts";
import { HybridVideo } from "./_hybrid_video.ts";

const SCREEN = { width: 1920, height: 1080 };
const REGION = { x: 640, y: 320, w: 1280, h: 704 };
const ALL = { x: 0, y: 0, w: 1920, h: 1080 };
const AU = Uint8Array.of(0, 0, 0, 1, 0x65);

function parts() {
  const calls: string[] = [];
  const video = new HybridVideo({
    set: (running) => calls.push(running ? "on" : "off"),
    keyframe: () => calls.push("key"),
    area: (r) => calls.push(r ? `area ${r.x},${r.y} ${r.w}x${r.h}` : "area all"),
  }, "avc1.42e01f");
  const ops = (wrapped: { payload: Uint8Array } | undefined) =>
    wrapped &&
    decodeScreenUpdate(wrapped.payload, SCREEN).map((o) =>
      o.op === "video" ? `video ${o.x},${o.y} ${o.w}x${o.h}` : o.op
    );
  return { video, calls, ops };
}

Deno.test("HybridVideo: region video starts at a keyframe, its frames paint the region and are never key updates", () => {
  const { video, calls, ops } = parts();
  video.follow({ ops: [], video: true, key: false, region: REGION }, SCREEN);
  assert.deepEqual(calls, ["area 640,320 1280x704", "on", "key"]);
  assert.equal(video.full, false, "the loop keeps running tile rounds");
  assert.equal(video.wrap(REGION, false, AU), undefined, "a delta before the keyframe");
  const key = video.wrap(REGION, true, AU);
  assert.equal(key?.key, false, "a region keyframe does not repaint the whole screen");
  assert.deepEqual(ops(key), ["codec", "video 640,320 1280x704"]);
  assert.deepEqual(ops(video.wrap(REGION, false, AU)), ["video 640,320 1280x704"]);
  assert.equal(video.wrap(ALL, false, AU), undefined, "a frame of another area");
  // The same region again: nothing to do.
  video.follow({ ops: [], video: true, key: false, region: { ...REGION } }, SCREEN);
  assert.equal(calls.length, 3);
  // A key update of tiles was sent: the region waits for the encoder's next keyframe.
  video.keyUpdateSent();
  assert.equal(calls.at(-1), "key");
  assert.equal(video.wrap(REGION, false, AU), undefined);
  assert.ok(video.wrap(REGION, true, AU));
  // The region grows: a new area, a new keyframe; frames of the old one are dropped.
  const grown = { ...REGION, x: 512, w: 1408 };
  video.follow({ ops: [], video: true, key: false, region: grown }, SCREEN);
  assert.deepEqual(calls.slice(-3), ["area 512,320 1408x704", "on", "key"]);
  assert.equal(video.wrap(REGION, true, AU), undefined);
  assert.ok(video.wrap(grown, true, AU));
  // The region ends: nothing more is drawn.
  video.follow({ ops: [], video: false, key: false }, SCREEN);
  assert.equal(calls.at(-1), "off");
  assert.equal(video.on, false);
  assert.equal(video.wrap(grown, true, AU), undefined, "a frame the encoder held when the region ended");
});

Deno.test("HybridVideo: full-screen video, keyframes as key updates with size; from a region to full screen", () => {
  const { video, calls, ops } = parts();
  video.follow({ ops: [], video: true, key: false, region: REGION }, SCREEN);
  video.follow({ ops: [], video: true, key: false }, SCREEN);
  assert.deepEqual(calls.slice(-3), ["area all", "on", "key"]);
  assert.equal(video.full, true);
  assert.equal(video.wrap(REGION, true, AU), undefined, "the region's last frames");
  const key = video.wrap(ALL, true, AU);
  assert.equal(key?.key, true);
  assert.deepEqual(ops(key), ["size", "codec", "video 0,0 1920x1080"]);
  // A keyframe plan during full-screen video: the encoder's keyframe, no restart.
  video.follow({ ops: [{ op: "size", width: 1920, height: 1080 }], video: true, key: true }, SCREEN);
  assert.equal(calls.at(-1), "key");
  assert.ok(video.wrap(ALL, false, AU), "deltas keep flowing for the other viewers");
  // Nobody watches: held; back: running again.
  video.setWatched(false);
  assert.equal(calls.at(-1), "off");
  video.setWatched(true);
  assert.equal(calls.at(-1), "on");
  video.follow({ ops: [], video: false, key: false }, SCREEN);
  assert.equal(calls.at(-1), "off");
  video.setWatched(false);
  video.setWatched(true);
  assert.equal(calls.at(-1), "off", "no video: watching again does not start it");
});
