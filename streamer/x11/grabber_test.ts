import assert from "node:assert/strict";
import { startTestDisplay, type TestDisplay } from "../../tests/fixtures/xvfb.ts";
import { delay, waitFor } from "../../tests/fixtures/async.ts";
import { coalesceRects, type Frame, type Rect, ScreenGrabber } from "./grabber.ts";
import { readPlan } from "./_shm.ts";
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

/** Damage until none came for 300 ms (the screen is still). */
async function damageUntilStill(grabber: ScreenGrabber): Promise<Rect[]> {
  const seen: Rect[] = [];
  for (let quiet = 0; quiet < 3;) {
    await delay(100);
    const rects = grabber.damage();
    seen.push(...rects);
    quiet = rects.length ? 0 : quiet + 1;
  }
  return seen;
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

    await t.step("a grab of the damaged areas equals a full grab of the same screen", async () => {
      await x.run("xsetroot", ["-solid", "#305070"]);
      await damageUntilStill(grabber);
      const before = (await grabber.grab()).data.slice();
      const term = x.group.spawn("xterm", "xterm", {
        args: ["-geometry", "40x8+200+300", "-bg", "#f0f0e0", "-fg", "#900000", "-e", "sh", "-c"].concat(
          "printf 'partial\\nreads\\n'; ls /; sleep 60",
        ),
        env: x.display.env,
        stdout: "null",
        stderr: "null",
        expectExit: true,
      });
      const other = await ScreenGrabber.open({ display: x.display.name, xauthority: x.display.xauthority });
      try {
        await waitFor("the xterm's text", async () => {
          const [b, g, r] = pixel(await other.grab(), 220, 310);
          return b === 0xe0 && g === 0xf0 && r === 0xf0;
        });
        const damage = await damageUntilStill(grabber);
        const frame = await grabber.grab(damage);
        const full = await other.grab(); // a fresh grabber reads all of the screen
        assert.ok(before.some((v, i) => v !== frame.data[i]), "the partial grab brought the xterm");
        assert.notEqual(readPlan(damage, 1280, 720), "full", JSON.stringify(damage));
        const at = frame.data.findIndex((v, i) => v !== full.data[i]); // same size: stride = width * 4
        assert.equal(at, -1, `pixel ${(at % frame.stride) / 4},${Math.floor(at / frame.stride)} differs`);
      } finally {
        Deno.kill(-term.pid, "SIGKILL");
        await term.exited;
        await other.close();
      }
    });

    await t.step("a change outside the given areas is not read; its damage brings it", async () => {
      await damageUntilStill(grabber);
      await grabber.grab();
      await x.run("xsetroot", ["-solid", "#c08040"]);
      await damageUntil(grabber, "the root's damage", (seen) => seen.some((r) => r.w === 1280));
      const area = { x: 1000, y: 600, w: 100, h: 50 };
      let frame = await grabber.grab([area]);
      assert.deepEqual(pixel(frame, 1050, 620), [0x40, 0x80, 0xc0], "inside the area: read");
      for (const [px, py] of [[999, 620], [1050, 650], [10, 10]]) {
        assert.deepEqual(pixel(frame, px, py), [0x70, 0x50, 0x30], `outside, at ${px},${py}: as before`);
      }
      frame = await grabber.grab([{ x: -50, y: 700, w: 100, h: 100 }]); // clipped to 50x20
      assert.deepEqual(pixel(frame, 49, 719), [0x40, 0x80, 0xc0]);
      assert.deepEqual(pixel(frame, 50, 719), [0x70, 0x50, 0x30]);
      frame = await grabber.grab([{ x: 0, y: 0, w: 1280, h: 720 }]);
      assert.deepEqual(pixel(frame, 10, 10), [0x40, 0x80, 0xc0], "a whole-screen area reads all");
    });

    await t.step(
      "changes() waits for X damage: false after its timeout on a still screen, true once drawn",
      async () => {
        grabber.damage();
        const start = performance.now();
        assert.equal(await grabber.changes(300), false);
        assert.ok(performance.now() - start >= 250, "it waited for the timeout");
        const waiting = grabber.changes(5000);
        const drawnAt = performance.now();
        await x.run("xsetroot", ["-solid", "#406080"]);
        assert.equal(await waiting, true);
        console.log(`damage seen ${(performance.now() - drawnAt).toFixed(1)} ms after xsetroot started`);
        assert.ok(grabber.damage().length > 0);
      },
    );

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

Deno.test("readPlan clips the areas, reads all of the screen past half of it, boxes many areas", () => {
  assert.deepEqual(readPlan([{ x: -10, y: 90, w: 30, h: 30 }, { x: 200, y: 0, w: 5, h: 5 }], 100, 100), [
    { x: 0, y: 90, w: 20, h: 10 },
  ]);
  assert.deepEqual(readPlan([], 100, 100), []);
  assert.equal(readPlan([{ x: 0, y: 0, w: 100, h: 51 }], 100, 100), "full");
  assert.deepEqual(readPlan([{ x: 0, y: 0, w: 100, h: 50 }], 100, 100), [{ x: 0, y: 0, w: 100, h: 50 }]);
  const dots = (n: number, step: number) =>
    Array.from({ length: n }, (_, i) => ({ x: (i % 4) * step, y: Math.floor(i / 4) * step, w: 2, h: 2 }));
  assert.equal(readPlan(dots(16, 20), 100, 100).length, 16);
  assert.deepEqual(readPlan(dots(17, 10), 100, 100), [{ x: 0, y: 0, w: 32, h: 42 }]);
  assert.equal(readPlan(dots(17, 20), 100, 100), "full", "a box of 62x82: past half");
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
