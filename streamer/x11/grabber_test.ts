import assert from "node:assert/strict";
import { startTestDisplay, type TestDisplay } from "../../tests/fixtures/xvfb.ts";
import { delay, waitFor } from "../../tests/fixtures/async.ts";
import { coalesceRects, type Frame, type Rect, ScreenGrabber } from "./grabber.ts";
import { openX11 } from "./session.ts";
import { decodeWebp, encodeWebp } from "../codec/webp.ts";

/** [b, g, r] of the pixel at x, y. */
function pixel(frame: Frame, x: number, y: number): number[] {
  const at = y * frame.stride + x * 4;
  return [...frame.data.subarray(at, at + 3)];
}

/** Columns of the System V segments this process created that still exist (key, shmid, perms, size, cpid...). */
function ownSegments(): string[][] {
  const rows = Deno.readTextFileSync("/proc/sysvipc/shm").trim().split("\n").slice(1);
  return rows.map((row) => row.trim().split(/\s+/)).filter((columns) => Number(columns[4]) === Deno.pid);
}

/** Damage reported until `done` says it covers enough. */
async function damageUntil(grabber: ScreenGrabber, what: string, done: (rects: Rect[]) => boolean) {
  const seen: Rect[] = [];
  await waitFor(what, () => {
    seen.push(...grabber.damage());
    return done(seen);
  });
  return seen;
}

/** Another client holds a server grab until the returned function is called (idempotent). */
function holdServer(display: string, xauthority: string): () => void {
  const x11 = Deno.dlopen("libX11.so.6", {
    XOpenDisplay: { parameters: ["buffer"], result: "pointer" },
    XGrabServer: { parameters: ["pointer"], result: "i32" },
    XSync: { parameters: ["pointer", "i32"], result: "i32" },
    XCloseDisplay: { parameters: ["pointer"], result: "i32" },
  });
  const previous = Deno.env.get("XAUTHORITY");
  Deno.env.set("XAUTHORITY", xauthority);
  const dpy = x11.symbols.XOpenDisplay(new TextEncoder().encode(display + "\0"));
  if (previous === undefined) Deno.env.delete("XAUTHORITY");
  else Deno.env.set("XAUTHORITY", previous);
  assert.ok(dpy);
  x11.symbols.XGrabServer(dpy);
  x11.symbols.XSync(dpy, 0);
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    x11.symbols.XCloseDisplay(dpy); // ends the grab
    x11.close();
  };
}

const covers = (r: Rect, x: number, y: number) => x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;

Deno.test("ScreenGrabber on a real Xvfb: pixels, damage, resize, close", async (t) => {
  const x: TestDisplay = await startTestDisplay();
  const before = ownSegments().length;
  const grabber = await ScreenGrabber.open({ display: x.display.name, xauthority: x.display.xauthority });
  const session = openX11(x.display.name, x.display.xauthority);
  try {
    await t.step("the first damage is the whole screen; one segment, already marked for removal", () => {
      assert.deepEqual(grabber.damage(), [{ x: 0, y: 0, w: 1280, h: 720 }]);
      const mine = ownSegments();
      assert.equal(mine.length, before + 1);
      // perms, in octal: 01000 (SHM_DEST) is set once IPC_RMID marked it; 0600 for this user only.
      assert.equal(parseInt(mine[0][2], 8), 0o1600, mine[0].join(" "));
    });

    await t.step("grab returns the root window's pixels (xsetroot's 4x4 plaid, every pixel)", async () => {
      assert.equal((await x.run("xsetroot", ["-mod", "4", "4", "-fg", "#ff8000", "-bg", "#102030"])).code, 0);
      await damageUntil(
        grabber,
        "damage of the whole root",
        (seen) => seen.some((r) => r.w === 1280 && r.h === 720),
      );
      const frame = await grabber.grab();
      assert.deepEqual([frame.width, frame.height, frame.stride], [1280, 720, 1280 * 4]);
      let wrong = 0;
      for (let y = 0; y < frame.height; y++) {
        for (let x = 0; x < frame.width; x++) {
          const expected = x % 4 === 0 || y % 4 === 0 ? [0x00, 0x80, 0xff] : [0x30, 0x20, 0x10];
          const [b, g, r] = pixel(frame, x, y);
          if (b !== expected[0] || g !== expected[1] || r !== expected[2]) wrong++;
        }
      }
      assert.equal(wrong, 0, `${wrong} pixels differ from the plaid`);
    });

    await t.step("damage reports where a window drew, and nothing on a still screen", async () => {
      grabber.damage();
      assert.deepEqual(grabber.damage(), []);
      const term = x.group.spawn("xterm", "xterm", {
        args: [
          "-geometry",
          "30x6+300+200",
          "-bg",
          "#204060",
          "-fg",
          "#f0e0d0",
          "-e",
          "sh",
          "-c",
          "echo hello; sleep 60",
        ],
        env: x.display.env,
        stdout: "null",
        stderr: "null",
        expectExit: true,
      });
      try {
        const seen = await damageUntil(
          grabber,
          "damage inside the xterm",
          (s) => s.some((r) => covers(r, 320, 220)),
        );
        for (const r of seen) {
          assert.ok(r.x >= 300 && r.y >= 200 && r.x + r.w <= 600 && r.y + r.h <= 400, JSON.stringify(r));
        }
        await waitFor("the xterm's background", async () => {
          const [b, g, r] = pixel(await grabber.grab(), 320, 240);
          return b === 0x60 && g === 0x40 && r === 0x20;
        });
        const frame = await grabber.grab();
        const tile = { x: 300, y: 200, w: 160, h: 64 };
        const image = decodeWebp(encodeWebp(frame, tile, { lossless: true }));
        for (let y = 0; y < tile.h; y++) {
          for (let x = 0; x < tile.w; x++) {
            const [b, g, r] = pixel(frame, tile.x + x, tile.y + y);
            const at = (y * tile.w + x) * 4;
            assert.deepEqual(
              [...image.data.subarray(at, at + 4)],
              [b, g, r, 255],
              `pixel ${x},${y} of the tile`,
            );
          }
        }
      } finally {
        Deno.kill(-term.pid, "SIGKILL");
        await term.exited;
      }
    });

    await t.step("a resize is followed: the next grab has the new size, all of it damaged", async () => {
      for (const [w, h] of [[1000, 700], [1920, 1080], [1280, 720]]) {
        assert.deepEqual(await session.resize(w, h), { width: w, height: h });
        await waitFor(`a ${w}x${h} grab`, async () => (await grabber.grab()).width === w);
        const frame = await grabber.grab();
        assert.deepEqual([frame.width, frame.height, frame.stride], [w, h, w * 4]);
        assert.ok(grabber.damage().some((r) => r.w === w && r.h === h));
        assert.equal(ownSegments().length, before + 1, "the old segment is gone");
      }
    });

    await t.step("a server grab held by another client stalls grab(), not the event loop", async () => {
      const release = holdServer(x.display.name, x.display.xauthority);
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 20);
      try {
        let done = false;
        const grabbed = grabber.grab().then((frame) => (done = true, frame));
        await delay(300);
        assert.equal(done, false, "the grab waits for the server");
        assert.deepEqual(grabber.damage(), [], "damage() never waits");
        assert.ok(ticks >= 5, `timers ran ${ticks} times in 300 ms`);
        release();
        assert.equal((await grabbed).width, 1280);
      } finally {
        clearInterval(ticker);
        release();
      }
    });

    await t.step("close frees the segment, is idempotent, and later grabs reject", async () => {
      await Promise.all([grabber.close(), grabber.close()]);
      await grabber.close();
      assert.equal(ownSegments().length, before);
      await assert.rejects(grabber.grab(), /closed/);
      assert.deepEqual(grabber.damage(), []);
    });
  } finally {
    await grabber.close();
    await session.close();
    await x.stop();
  }
});

Deno.test("coalesceRects merges neighbours and overlaps, keeps distant rectangles, caps the count", () => {
  const glyphs = Array.from({ length: 10 }, (_, i) => ({ x: 100 + i * 8, y: 50, w: 8, h: 16 }));
  assert.deepEqual(coalesceRects(glyphs), [{ x: 100, y: 50, w: 80, h: 16 }]);
  assert.deepEqual(coalesceRects([{ x: 0, y: 0, w: 100, h: 100 }, { x: 10, y: 10, w: 5, h: 5 }]), [
    { x: 0, y: 0, w: 100, h: 100 },
  ]);
  const apart = [{ x: 0, y: 0, w: 10, h: 10 }, { x: 500, y: 500, w: 10, h: 10 }];
  assert.deepEqual(coalesceRects(apart), apart);
  assert.deepEqual(coalesceRects([{ x: 5, y: 5, w: 0, h: 9 }]), []);
  const grid = Array.from(
    { length: 100 },
    (_, i) => ({ x: (i % 10) * 100, y: Math.floor(i / 10) * 100, w: 4, h: 4 }),
  );
  assert.deepEqual(coalesceRects(grid, 64), [{ x: 0, y: 0, w: 904, h: 904 }]);
  assert.equal(coalesceRects(grid.slice(0, 64), 64).length, 64);
});

Deno.test("ScreenGrabber: a lost X server rejects the grab instead of ending the process", async () => {
  const x = await startTestDisplay();
  const grabber = await ScreenGrabber.open({ display: x.display.name, xauthority: x.display.xauthority });
  try {
    await grabber.grab();
    await x.display.stop();
    await assert.rejects(grabber.grab(), /lost/);
    await assert.rejects(grabber.grab(), /lost/);
  } finally {
    await grabber.close();
    await x.stop();
  }
});
