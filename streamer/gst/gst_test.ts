import assert from "node:assert/strict";
import { Pipeline, pullSample } from "./mod.ts";

Deno.test("a pipeline delivers encoded samples with keyframe flags and timestamps", async () => {
  const pipeline = Pipeline.parse(
    "videotestsrc num-buffers=30 ! video/x-raw,width=320,height=240,framerate=30/1 ! " +
      "x264enc name=enc key-int-max=10 tune=zerolatency ! h264parse ! appsink name=out sync=false",
  );
  await pipeline.setState("playing");
  const samples = [];
  for (
    let s = await pullSample(pipeline.element("out"), 2000);
    s;
    s = await pullSample(pipeline.element("out"), 500)
  ) {
    samples.push(s);
  }
  assert.equal(samples.length, 30);
  assert.equal(samples[0].key, true);
  assert.equal(samples[1].key, false);
  assert.equal(samples.filter((s) => s.key).length, 3);
  assert.equal(samples[3].ptsNs! - samples[0].ptsNs!, 100_000_000n);
  assert.deepEqual(await pipeline.nextEnd(1000), { type: "eos" });
  await pipeline.setState("null");
});

Deno.test("properties read and write through their real types", async () => {
  const pipeline = Pipeline.parse("videotestsrc ! x264enc name=enc ! fakesink");
  const enc = pipeline.element("enc");
  enc.set("bitrate", 1234);
  assert.equal(enc.get("bitrate"), 1234);
  enc.set("speed-preset", "ultrafast");
  assert.equal(enc.get("speed-preset"), "ultrafast");
  enc.set("option-string", "keyint=60");
  assert.equal(enc.get("option-string"), "keyint=60");
  enc.set("byte-stream", true);
  assert.equal(enc.get("byte-stream"), true);
  assert.throws(() => enc.set("no-such-thing", 1), /no property "no-such-thing"/);
  assert.throws(() => Pipeline.parse("nosuchelement ! fakesink"), /no element "nosuchelement"/);
  assert.throws(() => Pipeline.parse("videotestsrc foo=1 ! fakesink"), /no property "foo"/);
  await pipeline.setState("null");
});

Deno.test("bus errors come back with GStreamer's message", async () => {
  const pipeline = Pipeline.parse("ximagesrc display-name=:65000 ! fakesink");
  await pipeline.setState("playing");
  const end = await pipeline.nextEnd(5000);
  assert.equal(end?.type, "error");
  assert.match(end.type === "error" ? end.message : "", /display|open/i);
  await pipeline.setState("null");
});
