import assert from "node:assert/strict";
import type { MediaFrame } from "../../protocol/protocol.ts";
import { startTestDisplay } from "../../tests/fixtures/xvfb.ts";
import { openX11 } from "../x11/mod.ts";
import { IdleTimer } from "./idle.ts";
import type { MediaSession } from "./session.ts";
import { delay } from "../../tests/fixtures/async.ts";
import { testMediaSession } from "../../tests/fixtures/media.ts";

const W = 1280, H = 720, FPS = 30;

function cpuSeconds(pid: number): number {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The worker's CPU share (of one core) and the frames delivered over `ms`. */
async function measure(media: MediaSession, frames: { at: number }[], ms: number) {
  const pid = media.workerPid!;
  const from = performance.now();
  const cpu = cpuSeconds(pid);
  await delay(ms);
  const to = performance.now();
  return {
    cpu: (cpuSeconds(pid) - cpu) / ((to - from) / 1000),
    frames: frames.filter((f) => f.at >= from && f.at < to).length,
  };
}

Deno.test("an idle screen is gated: little CPU, and changes or new viewers still get frames at once", async (t) => {
  const x = await startTestDisplay();
  const x11 = openX11(x.display.name, x.display.xauthority);
  const media = testMediaSession(
    { display: x.display.name, xauthority: x.display.xauthority },
    { width: W, height: H, fps: FPS, bitrateKbps: 4000 },
  );
  let idle: IdleTimer | undefined;
  try {
    await x.run("xsetroot", ["-solid", "gray"]);
    await media.start();
    const frames: (MediaFrame & { at: number })[] = [];
    media.subscribe((f) => f.kind === "video" && frames.push({ ...f, at: performance.now() }));
    while (!frames.length) await delay(20);
    let ungated = { cpu: 0, frames: 0 };

    await t.step("gated, an idle screen costs far less CPU than ungated", async () => {
      await delay(500);
      ungated = await measure(media, frames, 3000);
      media.setActive(false);
      await delay(300);
      const gated = await measure(media, frames, 3000);
      console.log(
        `idle ${W}x${H}@${FPS}: worker ungated ${(ungated.cpu * 100).toFixed(1)}% of a core ` +
          `(${ungated.frames} frames), gated ${(gated.cpu * 100).toFixed(1)}% (${gated.frames} frames)`,
      );
      assert.ok(ungated.frames > FPS * 2, `ungated: ${ungated.frames} frames in 3 s`);
      assert.equal(gated.frames, 0);
      assert.ok(gated.cpu < ungated.cpu * 0.5, `gated ${gated.cpu} vs ungated ${ungated.cpu}`);
    });

    await t.step("a change after idle reaches the encoder within ~100 ms (damage -> gate)", async () => {
      media.setActive(true); // as a session starts: active, then idle after the hold
      idle = new IdleTimer({ onChange: (active) => media.setActive(active) });
      x11.onDamage(() => idle!.touch());
      const delays: number[] = [];
      for (const colour of ["red", "blue", "green", "white", "black"]) {
        while (media.active) await delay(20);
        await delay(200);
        const before = frames.length;
        const start = performance.now();
        await x.run("xsetroot", ["-solid", colour]);
        while (frames.length === before && performance.now() - start < 2000) await delay(2);
        delays.push((frames[before]?.at ?? Infinity) - start);
      }
      console.log(`xsetroot -> first frame after idle: ${delays.map((d) => d.toFixed(0)).join(", ")} ms`);
      delays.sort((a, b) => a - b);
      assert.ok(delays[2] < 150, `median ${delays[2]} ms`);
      assert.ok(delays[4] < 1000, `worst ${delays[4]} ms`);
    });

    await t.step("after a big change, the gate closes once the encoder settles (or after 2 s)", async () => {
      while (media.active) await delay(20);
      const before = frames.length;
      const start = performance.now();
      await x.run("xsetroot", ["-mod", "3", "5", "-fg", "orange", "-bg", "navy"]);
      await delay(300);
      while (media.active && performance.now() - start < 5000) await delay(20);
      const after = frames.slice(before);
      const sizes = after.map((f) => `${(f.at - start).toFixed(0)}ms:${f.payload.byteLength}`);
      console.log(`frames after a full-screen pattern (bytes): ${sizes.slice(0, 12).join(" ")} ...`);
      console.log(
        `idle ${(performance.now() - start).toFixed(0)} ms after the change, ${after.length} frames`,
      );
      assert.ok(after.length > 4, "the refinement frames after the change went out");
      assert.equal(media.active, false);
    });

    await t.step("a new subscriber during idle gets a keyframe at once", async () => {
      while (media.active) await delay(20);
      await delay(300);
      const start = performance.now();
      const got = await new Promise<MediaFrame & { at: number }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no frame within 2 s")), 2000);
        const off = media.subscribe((f) => {
          if (f.kind !== "video") return;
          clearTimeout(timer);
          queueMicrotask(off);
          resolve({ ...f, at: performance.now() });
        });
      });
      console.log(`new subscriber while idle: keyframe after ${(got.at - start).toFixed(0)} ms`);
      assert.equal(got.key, true);
      assert.ok(got.at - start < 500, `${got.at - start} ms`);
      assert.equal(media.active, false, "the screen stayed idle");
    });
  } finally {
    idle?.close();
    await media.stop();
    await x11.close();
    await x.stop();
  }
});
