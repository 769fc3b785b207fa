import assert from "node:assert/strict";
import { chooseEncoder, probeEncoders } from "./probe.ts";
import { EncoderUnavailableError } from "./errors.ts";

Deno.test("probeEncoders finds the software encoders of this box and not NVENC", async () => {
  const probes = await probeEncoders();
  const by = Object.fromEntries(probes.map((p) => [p.name, p]));
  assert.equal(by.x264.available, true, by.x264.reason);
  assert.equal(by.openh264.available, true, by.openh264.reason);
  assert.equal(by.vp8.available, true, by.vp8.reason);
  assert.equal(by.nvh264.available, false);
  assert.match(by.nvh264.reason, /nvh264enc/);
  assert.equal(await probeEncoders(), probes, "cached per process");
});

Deno.test("chooseEncoder auto falls back to x264 and explains why", async () => {
  const choice = await chooseEncoder("auto");
  assert.equal(choice.element, "x264enc");
  assert.match(choice.reason, /nvh264/);
  assert.match(choice.codec, /^avc1\./);
  assert.equal((await chooseEncoder("vp8")).codec, "vp8");
});

Deno.test("chooseEncoder rejects a pinned encoder that does not work, naming alternatives", async () => {
  await assert.rejects(chooseEncoder("nvh264"), (error: unknown) => {
    assert.ok(error instanceof EncoderUnavailableError);
    assert.match(error.message, /nvh264.*not registered.*x264/);
    return true;
  });
});
