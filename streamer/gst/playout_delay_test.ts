import assert from "node:assert/strict";
import { Pipeline, pullSample } from "./mod.ts";
import { PLAYOUT_DELAY_ID, PLAYOUT_DELAY_URI, registerPlayoutDelay } from "./playout_delay.ts";

const PACKETS = `videotestsrc num-buffers=30 ! video/x-raw,width=640,height=360,framerate=30/1 ! ` +
  `x264enc tune=zerolatency speed-preset=ultrafast key-int-max=10 ! rtph264pay name=pay mtu=1200 ! ` +
  `application/x-rtp,extmap-${PLAYOUT_DELAY_ID}=(string)${PLAYOUT_DELAY_URI} ! appsink name=out sync=false`;

Deno.test("a payloader whose caps name the playout-delay URI writes min = max = 0 into every packet", async () => {
  registerPlayoutDelay();
  registerPlayoutDelay(); // once per process; a second call is a no-op
  const pipeline = Pipeline.parse(PACKETS);
  await pipeline.setState("playing");
  let packets = 0;
  for (
    let s = await pullSample(pipeline.element("out"), 5000);
    s;
    s = await pullSample(pipeline.element("out"), 1000)
  ) {
    const rtp = s.data;
    const csrcs = rtp[0] & 0x0f;
    assert.equal(rtp[0] & 0x10, 0x10, "the extension bit is set");
    const ext = 12 + 4 * csrcs;
    // One-byte header profile 0xBEDE, one 32-bit word: id 5, length 3 (written as 2), the three zero bytes.
    assert.deepEqual([...rtp.subarray(ext, ext + 8)], [
      0xbe,
      0xde,
      0x00,
      0x01,
      (PLAYOUT_DELAY_ID << 4) | 2,
      0,
      0,
      0,
    ]);
    packets++;
  }
  assert.ok(packets >= 30, `${packets} packets`);
  await pipeline.setState("null");
});

Deno.test("packets keep flowing while this thread sits in synchronous GStreamer calls on the payloader", async () => {
  // The payloader holds its own lock while it calls the extension: if the extension's code waited for this
  // thread, looking the payloader up by name here (which takes that lock) would never return.
  registerPlayoutDelay();
  const pipeline = Pipeline.parse(PACKETS.replace("num-buffers=30", "num-buffers=120"));
  await pipeline.setState("playing");
  const until = performance.now() + 1500;
  let lookups = 0;
  while (performance.now() < until) {
    pipeline.element("pay");
    lookups++;
  }
  let packets = 0;
  while (await pullSample(pipeline.element("out"), 2000)) packets++;
  assert.ok(lookups > 100, `${lookups} lookups`);
  assert.ok(packets >= 120, `${packets} packets`);
  await pipeline.setState("null");
});
