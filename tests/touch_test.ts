/**
 * Touch, mobile and HiDPI end to end: a real session (Xvfb, media worker, server) viewed by headless Chromium
 * emulating a phone (390x844 CSS pixels at DPR 3, touch, CDP `Input.dispatchTouchEvent` for one and two
 * fingers). What the gestures do on the desktop is read back from `xev -root`, a real X client printing the
 * events X delivers; the screen size from `xdpyinfo`.
 */
import assert from "node:assert/strict";
import type { CDPSession, Page } from "playwright-core";
import { delay, waitFor } from "./fixtures/async.ts";
import type { Win } from "./fixtures/client_browser.ts";
import { runX, startViewedSession } from "./fixtures/session.ts";
import { screenSizeFor, toScreen } from "../web/client/geometry.ts";

/** One X event as xev prints it. */
interface XEvent {
  type: string;
  x: number;
  y: number;
  state: number;
  button?: number;
  /** The keysym's name (KeyPress / KeyRelease). */
  key?: string;
}

/** Runs `xev -root` on the session's display and collects what it prints. */
function watchX(env: Record<string, string>) {
  const child = new Deno.Command("xev", {
    args: ["-root", "-event", "keyboard", "-event", "mouse"],
    env,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let text = "";
  const reading = child.stdout.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (text += chunk) }),
  ).catch(() => {});
  let mark = 0;
  const parse = (block: string): XEvent | undefined => {
    const type = /^(\w+) event/.exec(block.trim())?.[1];
    const root = /root:\((-?\d+),(-?\d+)\)/.exec(block);
    if (!type || !root) return undefined;
    return {
      type,
      x: Number(root[1]),
      y: Number(root[2]),
      state: parseInt(/state 0x([0-9a-f]+)/.exec(block)?.[1] ?? "0", 16),
      button: Number(/button (\d+)/.exec(block)?.[1]) || undefined,
      key: /keysym 0x[0-9a-f]+, ([^)]+)\)/.exec(block)?.[1],
    };
  };
  return {
    /** Events printed since the last `take`, complete ones only. */
    take(): XEvent[] {
      // xev starts each event with an empty line and prints it in pieces; the last one is whole once its
      // last line is out (pointer events end with same_screen, key events with XFilterEvent).
      const blocks = text.slice(mark).split("\n\n");
      const last = blocks.at(-1)!;
      const whole = /^Key/.test(last.trim())
        ? /XFilterEvent returns: \w+\n$/.test(last)
        : /same_screen \w+\n$/.test(last);
      if (!whole) blocks.pop();
      // Past the events taken, and the separator before the one still being printed.
      if (blocks.length) mark += blocks.join("\n\n").length + (whole ? 0 : 2);
      return blocks.map(parse).filter((e) => e !== undefined);
    },
    async stop() {
      child.kill();
      await child.status;
      await reading;
    },
  };
}

type Watcher = ReturnType<typeof watchX>;

/** Collects X events until `done(events so far)` holds (15 s at most). */
async function eventsUntil(x: Watcher, what: string, done: (events: XEvent[]) => boolean): Promise<XEvent[]> {
  const events: XEvent[] = [];
  await waitFor(what, () => {
    events.push(...x.take());
    return done(events);
  }, 15_000).catch((error) => {
    throw new Error(
      `${error.message}; X saw ${JSON.stringify(events.filter((e) => e.type !== "MotionNotify"))}`,
    );
  });
  return events;
}

const presses = (events: XEvent[], type = "ButtonPress") => events.filter((e) => e.type === type);

type Finger = [number, number];

/** Touches the page with these fingers (CSS pixels); `[]` lifts them all. */
async function touch(cdp: CDPSession, type: "touchStart" | "touchMove" | "touchEnd", fingers: Finger[]) {
  await cdp.send("Input.dispatchTouchEvent", {
    type,
    touchPoints: fingers.map(([x, y], id) => ({ x, y, id })),
  });
}

/** Moves fingers from `from` to `to` in `steps` touch moves. */
async function slide(cdp: CDPSession, from: Finger[], to: Finger[], steps = 10) {
  for (let i = 1; i <= steps; i++) {
    const at = from.map((
      [x, y],
      f,
    ): Finger => [x + (to[f][0] - x) * i / steps, y + (to[f][1] - y) * i / steps]);
    await touch(cdp, "touchMove", at);
  }
}

async function screenSize(session: { display: { env: Record<string, string> } }): Promise<string> {
  const info = await runX(session, "xdpyinfo");
  return /dimensions:\s+(\S+)/.exec(info)?.[1] ?? "";
}

async function waitScreen(session: { display: { env: Record<string, string> } }, size: string) {
  let seen = "";
  await waitFor(`an X screen of ${size}`, async () => (seen = await screenSize(session)) === size, 15_000)
    .catch(() => assert.fail(`the X screen stayed ${seen}, expected ${size}`));
}

/** Opens the session in `page` emulating a device, and waits for a picture of the screen it asked for. */
async function openAs(
  page: Page,
  url: string,
  device: { width: number; height: number; deviceScaleFactor: number; mobile: boolean },
): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setDeviceMetricsOverride", device);
  if (device.mobile) {
    await cdp.send("Emulation.setTouchEmulationEnabled", { enabled: true, maxTouchPoints: 5 });
  }
  await page.goto(`${url}&transport=websocket`);
  return cdp;
}

async function waitPicture(page: Page, size: { width: number; height: number }) {
  await page.waitForFunction(
    ([w, h]) => {
      const canvas = document.getElementById("canvas") as HTMLCanvasElement;
      return (globalThis as Win).selkiesStats?.framesDecoded > 0 && canvas.width === w && canvas.height === h;
    },
    [size.width, size.height],
    { timeout: 20_000 },
  );
}

Deno.test("touch gestures, the on-screen keys and HiDPI density reach X as they should", async (t) => {
  await using viewed = await startViewedSession({ desktop: "exec sleep 600", geometry: "1280x720" });
  const { session, page } = viewed;
  const x = watchX(session.display.env);
  try {
    // A phone: 390x844 CSS pixels at DPR 3 asks for the largest screen of its shape within the limits.
    const phone = { width: 390, height: 844 };
    const screen = screenSizeFor(phone.width, phone.height, 3);
    const stage = { left: 0, top: 0, ...phone };
    /** Where a touch at CSS (cx, cy) lands on the X screen with the view unzoomed. */
    const onX = (cx: number, cy: number) => toScreen(cx, cy, stage, screen, screen);
    const cdp = await openAs(page, session.url, { ...phone, deviceScaleFactor: 3, mobile: true });
    await waitScreen(session, `${screen.width}x${screen.height}`);
    await waitPicture(page, screen);
    x.take();

    await t.step(
      "the layout fits a 390x844 phone: nothing overflows, controls are finger-sized",
      async () => {
        const layout = await page.evaluate(() => {
          const visible = [...document.querySelectorAll<HTMLElement>("#overlay button, #touch-bar button")]
            .filter((b) => b.offsetParent !== null);
          return {
            inner: [innerWidth, innerHeight],
            scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
            bar: !document.getElementById("touch-bar")!.hidden,
            buttons: visible.map((b) => {
              const r = b.getBoundingClientRect();
              return {
                text: b.textContent,
                left: r.left,
                top: r.top,
                right: r.right,
                bottom: r.bottom,
                h: r.height,
              };
            }),
          };
        });
        assert.deepEqual(layout.inner, [390, 844]);
        assert.deepEqual(layout.scroll, [390, 844], "the page does not scroll");
        assert.ok(layout.bar, "a touch screen shows the key bar");
        for (const b of layout.buttons) {
          assert.ok(
            b.left >= 0 && b.right <= 390 && b.top >= 0 && b.bottom <= 844,
            `${b.text} off screen: ${JSON.stringify(b)}`,
          );
          assert.ok(b.h >= 30, `${b.text} is ${b.h} px high: too small for a finger`);
        }
        const texts = layout.buttons.map((b) => b.text);
        for (const key of ["Esc", "Tab", "Ctrl", "Alt", "←", "↑", "↓", "→", "⌨", "Touch"]) {
          assert.ok(texts.includes(key), `no ${key} in ${texts}`);
        }
      },
    );

    await t.step("a tap is a left click where the finger touched", async () => {
      await touch(cdp, "touchStart", [[100, 300]]);
      await touch(cdp, "touchEnd", []);
      const events = await eventsUntil(x, "a click", (e) => presses(e, "ButtonRelease").length > 0);
      const at = onX(100, 300);
      assert.deepEqual(presses(events).map((e) => [e.button, e.x, e.y]), [[1, at.x, at.y]]);
      assert.deepEqual(presses(events, "ButtonRelease").map((e) => e.button), [1]);
    });

    await t.step("a long press is a right click, and nothing else", async () => {
      await touch(cdp, "touchStart", [[200, 500]]);
      // Lifted whatever happens: a finger left down would turn the next step's touches into its moves.
      const events = await eventsUntil(x, "a right click", (e) => presses(e, "ButtonRelease").length > 0)
        .finally(() => touch(cdp, "touchEnd", []));
      await delay(300);
      events.push(...x.take());
      const at = onX(200, 500);
      assert.deepEqual(presses(events).map((e) => [e.button, e.x, e.y]), [[3, at.x, at.y]]);
      assert.deepEqual(presses(events, "ButtonRelease").map((e) => e.button), [3]);
    });

    await t.step(
      "a one-finger drag presses where it starts, moves with button 1 held, releases at the end",
      async () => {
        await touch(cdp, "touchStart", [[50, 200]]);
        await slide(cdp, [[50, 200]], [[250, 400]]);
        await touch(cdp, "touchEnd", []);
        const events = await eventsUntil(x, "a drag", (e) => presses(e, "ButtonRelease").length > 0);
        const [from, to] = [onX(50, 200), onX(250, 400)];
        assert.deepEqual(presses(events).map((e) => [e.button, e.x, e.y]), [[1, from.x, from.y]]);
        const release = presses(events, "ButtonRelease")[0];
        assert.deepEqual([release.button, release.x, release.y], [1, to.x, to.y]);
        const held = events.filter((e) => e.type === "MotionNotify" && e.state & 0x100);
        assert.ok(held.length >= 3, `only ${held.length} motions with button 1 held`);
        assert.ok(
          held.some((e) => e.x > from.x && e.x < to.x && e.y > from.y && e.y < to.y),
          "no motion in between",
        );
      },
    );

    await t.step("two fingers moving up scroll down: one wheel step per 50 CSS pixels", async () => {
      await touch(cdp, "touchStart", [[150, 600], [250, 600]]);
      await slide(cdp, [[150, 600], [250, 600]], [[150, 400], [250, 400]]);
      await touch(cdp, "touchEnd", []);
      const events = await eventsUntil(x, "4 wheel steps", (e) => presses(e, "ButtonRelease").length >= 4);
      await delay(300);
      events.push(...x.take());
      const at = onX(200, 600);
      assert.deepEqual(presses(events).map((e) => [e.button, e.x, e.y]), Array(4).fill([5, at.x, at.y]));
    });

    await t.step(
      "trackpad mode: a finger moves the pointer by its travel, a tap clicks there, tap-and-drag drags",
      async () => {
        const box = await page.locator("#touch-mode").boundingBox();
        await touch(cdp, "touchStart", [[box!.x + box!.width / 2, box!.y + box!.height / 2]]);
        await touch(cdp, "touchEnd", []);
        await page.waitForFunction(() => document.getElementById("touch-mode")!.textContent === "Trackpad");
        // The virtual pointer starts in the middle of the picture; 40 CSS px of finger travel move it 60.
        await touch(cdp, "touchStart", [[100, 700]]);
        await slide(cdp, [[100, 700]], [[140, 700]], 4);
        await touch(cdp, "touchEnd", []);
        await touch(cdp, "touchStart", [[300, 100]]);
        await touch(cdp, "touchEnd", []);
        const events = await eventsUntil(x, "a click", (e) => presses(e, "ButtonRelease").length > 0);
        const picture = {
          top: (844 - 390 * screen.height / screen.width) / 2,
          height: 390 * screen.height / screen.width,
        };
        const at = onX(390 / 2 - 0.5 + 60, picture.top + (picture.height - 1) / 2);
        const press = presses(events)[0];
        assert.equal(press.button, 1);
        assert.ok(
          Math.abs(press.x - at.x) <= 3 && Math.abs(press.y - at.y) <= 3,
          `clicked at ${press.x},${press.y}, expected ${at.x},${at.y}`,
        );
        assert.equal(await page.locator("#touch-pointer").isVisible(), true, "the virtual pointer shows");
        // Tap, and the finger back at once moving 40 CSS px: a drag with button 1 from the pointer, 60 px long.
        x.take();
        await touch(cdp, "touchStart", [[300, 100]]);
        await touch(cdp, "touchEnd", []);
        await touch(cdp, "touchStart", [[300, 100]]);
        await slide(cdp, [[300, 100]], [[340, 100]], 4);
        await touch(cdp, "touchEnd", []);
        const drag = await eventsUntil(x, "tap and drag", (e) => presses(e, "ButtonRelease").length >= 2);
        const end = onX(390 / 2 - 0.5 + 120, picture.top + (picture.height - 1) / 2);
        assert.deepEqual(presses(drag).map((e) => [e.button, e.x, e.y]), [[1, press.x, press.y], [
          1,
          press.x,
          press.y,
        ]]);
        const release = presses(drag, "ButtonRelease")[1];
        assert.ok(
          Math.abs(release.x - end.x) <= 3 && release.y === press.y,
          `released at ${release.x},${release.y}`,
        );
        assert.ok(drag.some((e) => e.type === "MotionNotify" && e.state & 0x100), "moved with button 1 held");
        await touch(cdp, "touchStart", [[box!.x + box!.width / 2, box!.y + box!.height / 2]]);
        await touch(cdp, "touchEnd", []);
        await page.waitForFunction(() => document.getElementById("touch-mode")!.textContent === "Touch");
        x.take();
      },
    );

    await t.step("a pinch zooms the view only; a later tap maps through the zoom", async () => {
      const inner = await page.evaluate(() => [innerWidth, innerHeight]);
      // Fingers 100 px apart about (195,422) spread to 300 px: 3x about that point, no pan.
      await touch(cdp, "touchStart", [[145, 422], [245, 422]]);
      await slide(cdp, [[145, 422], [245, 422]], [[45, 422], [345, 422]]);
      await touch(cdp, "touchEnd", []);
      const transform = await page.evaluate(() => document.getElementById("canvas")!.style.transform);
      assert.match(transform, /scale\(3(\.0+\d*)?\)|scale\(2\.99/);
      // Long enough for the page's resize debounce (400 ms) to have asked for a new screen if it would.
      await delay(1500);
      assert.equal(
        await screenSize(session),
        `${screen.width}x${screen.height}`,
        "the X screen kept its size",
      );
      assert.deepEqual(await page.evaluate(() => [innerWidth, innerHeight]), inner);
      assert.deepEqual(presses(x.take()), [], "a pinch clicks nothing");
      // The picture point under (100,300) is now ((100+390)/3, (300+844)/3) of the unzoomed view.
      await touch(cdp, "touchStart", [[100, 300]]);
      await touch(cdp, "touchEnd", []);
      const events = await eventsUntil(x, "a click", (e) => presses(e, "ButtonRelease").length > 0);
      const at = onX((100 + 195 * 2) / 3, (300 + 422 * 2) / 3);
      const press = presses(events)[0];
      assert.ok(
        Math.abs(press.x - at.x) <= 2 && Math.abs(press.y - at.y) <= 2,
        `clicked at ${press.x},${press.y}, expected ${at.x},${at.y}`,
      );
    });

    await t.step(
      "the keyboard button opens a field whose text is typed on the desktop; Ctrl is sticky",
      async () => {
        const tap = async (selector: string) => {
          const box = (await page.locator(selector).boundingBox())!;
          await touch(cdp, "touchStart", [[box.x + box.width / 2, box.y + box.height / 2]]);
          await touch(cdp, "touchEnd", []);
        };
        await tap("#osk");
        await page.waitForFunction(() => document.activeElement?.id === "osk-field");
        // What a phone keyboard does: text committed in one go, and an IME composition then its commit.
        await cdp.send("Input.insertText", { text: "hello world" });
        await cdp.send("Input.imeSetComposition", { text: "o", selectionStart: 1, selectionEnd: 1 });
        await cdp.send("Input.imeSetComposition", { text: "ok", selectionStart: 2, selectionEnd: 2 });
        await cdp.send("Input.insertText", { text: "ok" });
        await tap('#touch-bar [data-key="Control"]');
        assert.equal(
          await page.locator('#touch-bar [data-key="Control"]').getAttribute("aria-pressed"),
          "true",
        );
        await cdp.send("Input.insertText", { text: "cx" });
        await tap('#touch-bar [data-key="Escape"]');
        const keys = await eventsUntil(x, "the typed keys", (e) => e.some((k) => k.key === "Escape"));
        const typed = presses(keys, "KeyPress");
        assert.equal(
          typed.map((k) => k.key!.length === 1 ? k.key : k.key === "space" ? " " : `<${k.key}>`).join(""),
          "hello worldok<Control_L>cx<Escape>",
        );
        assert.ok(typed.find((k) => k.key === "c")!.state & 0x4, "c pressed with Ctrl held");
        assert.equal(typed.find((k) => k.key === "x")!.state & 0x4, 0, "x without Ctrl: it held for one key");
        assert.equal(
          await page.locator('#touch-bar [data-key="Control"]').getAttribute("aria-pressed"),
          "false",
        );
        assert.equal(await page.locator("#osk-field").inputValue(), "", "the field keeps nothing");
        assert.equal(
          await page.evaluate(() => document.activeElement?.id),
          "osk-field",
          "the keyboard stays open",
        );
      },
    );
    await page.close();

    await t.step(
      "HiDPI: sharp asks for device pixels, light for CSS pixels, and the choice is remembered",
      async () => {
        const desk = await viewed.browser.context.newPage();
        await openAs(desk, session.url, { width: 640, height: 400, deviceScaleFactor: 2, mobile: false });
        await waitScreen(session, "1280x800");
        await waitPicture(desk, { width: 1280, height: 800 });
        // Device pixels, shown 1:1: the 1280-pixel canvas is 640 CSS pixels wide.
        assert.equal(
          await desk.evaluate(() => document.getElementById("canvas")!.getBoundingClientRect().width),
          640,
        );
        assert.equal(await desk.locator("#density").textContent(), "Sharp");
        assert.equal(
          await desk.locator("#touch-bar").isVisible(),
          false,
          "no key bar without a touch screen",
        );
        await desk.click("#density");
        await waitScreen(session, "640x400");
        assert.equal(await desk.locator("#density").textContent(), "Light");
        await desk.reload();
        await waitPicture(desk, { width: 640, height: 400 });
        assert.equal(await desk.locator("#density").textContent(), "Light", "remembered across a reload");
        await delay(1000);
        assert.equal(await screenSize(session), "640x400");
        await desk.click("#density");
        await waitScreen(session, "1280x800");
      },
    );
  } finally {
    await x.stop();
  }
});
