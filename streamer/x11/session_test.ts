import assert from "node:assert/strict";
import { startTestDisplay } from "../../tests/fixtures/xvfb.ts";
import { delay, waitFor } from "../../tests/fixtures/async.ts";
import { type CursorImage, openX11 } from "./session.ts";

const RETURN = 0xff0d;
const SMILEY = 0x100263a; // U+263A: no key in the default keymap, so it needs a spare keycode

Deno.test("X11 session on a real Xvfb: keys, pointer, wheel, resize, clipboard, cursor", async (t) => {
  const x = await startTestDisplay();
  const dir = await Deno.makeTempDir();
  const session = openX11(x.display.name, x.display.xauthority);
  const env = { ...x.display.env, LANG: "C.UTF-8", LC_ALL: "C.UTF-8" };
  const spawnClient = (cmd: string, args: string[], stdout: "piped" | "null" = "null") =>
    x.group.spawn(cmd, cmd, { args, env, stdout, stderr: "null" });
  try {
    const cursors: CursorImage[] = [];
    session.onCursor((c) => cursors.push(c));

    await t.step("typed keysyms land in an xterm, an unmapped keysym included", async () => {
      const file = `${dir}/typed.txt`;
      spawnClient("xterm", [
        "-u8",
        "-geometry",
        "40x10+0+0",
        "-T",
        "typing",
        "-e",
        "sh",
        "-c",
        `cat > ${file}`,
      ]);
      await waitFor(
        "the xterm window",
        async () => (await x.run("xdotool", ["search", "--name", "^typing$"])).code === 0,
      );
      session.moveTo(50, 50); // no window manager: focus follows the pointer
      await delay(300);
      for (const ch of "hello") {
        session.keyDown(ch.charCodeAt(0));
        session.keyUp(ch.charCodeAt(0));
      }
      session.keyDown(SMILEY);
      session.keyUp(SMILEY);
      session.keyDown(RETURN);
      session.keyUp(RETURN);
      const text = await waitFor("typed text", async () => {
        const t = await Deno.readTextFile(file).catch(() => "");
        return t.endsWith("\n") && t;
      });
      assert.equal(text, "hello\u263a\n");
    });

    await t.step("the cursor callback delivers valid PNGs, again when the cursor changes", async () => {
      await waitFor("a cursor change over the xterm", () => cursors.length >= 2);
      for (const c of cursors) {
        assert.deepEqual([...c.png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        const view = new DataView(c.png.buffer, c.png.byteOffset);
        assert.equal(new TextDecoder().decode(c.png.subarray(12, 16)), "IHDR");
        assert.deepEqual([view.getUint32(16), view.getUint32(20)], [c.width, c.height]);
        assert.ok(c.xhot < c.width && c.yhot < c.height);
      }
    });

    await t.step("a click and the wheel arrive at the pointer's position", async () => {
      const xev = spawnClient(
        "stdbuf",
        ["-oL", "xev", "-geometry", "200x200+400+300", "-event", "button"],
        "piped",
      );
      await waitFor(
        "the xev window",
        async () => (await x.run("xdotool", ["search", "--name", "^Event Tester$"])).code === 0,
      );
      session.moveTo(450, 360);
      await session.sync();
      assert.match((await x.run("xdotool", ["getmouselocation"])).stdout, /x:450 y:360/);
      session.button(1, true);
      session.button(1, false);
      session.wheel(0, 1);
      session.wheel(0, -1);
      session.wheel(1, 0);
      const reader = xev.process.stdout!.pipeThrough(new TextDecoderStream()).getReader();
      let log = "";
      await waitFor("the button events", async () => {
        log += (await reader.read()).value ?? "";
        return [1, 5, 4, 7].every((b) => log.includes(`button ${b},`));
      });
      reader.releaseLock();
      assert.match(log, /ButtonPress event[^\n]*\n[^\n]*root:\(450,360\),\n\s+state 0x0, button 1,/);
      assert.ok(log.indexOf("button 5,") < log.indexOf("button 4,"), "down then up");
    });

    await t.step("moveBy, and bad input is clamped or ignored without throwing", async () => {
      session.moveTo(100, 100);
      session.moveBy(10, -20);
      await session.sync();
      assert.match((await x.run("xdotool", ["getmouselocation"])).stdout, /x:110 y:80/);
      session.moveTo(-50, 99999);
      await session.sync();
      assert.match((await x.run("xdotool", ["getmouselocation"])).stdout, /x:0 y:719/);
      session.moveTo(NaN, 1);
      session.button(42, true);
      session.keyDown(-1);
      session.keyDown(0x7fffffff);
      session.keyUp(0x61); // never pressed
      session.wheel(Infinity, NaN);
      session.releaseAll();
      await session.sync();
      assert.match((await x.run("xdotool", ["getmouselocation"])).stdout, /x:0 y:719/);
    });

    await t.step("resize to 1280x720 and beyond the framebuffer, seen by xdpyinfo", async () => {
      assert.deepEqual(await session.resize(1000, 700), { width: 1000, height: 700 });
      assert.match((await x.run("xdpyinfo", [])).stdout, /dimensions:\s+1000x700 pixels/);
      assert.deepEqual(await session.resize(1281, 721), { width: 1280, height: 720 });
      assert.match((await x.run("xdpyinfo", [])).stdout, /dimensions:\s+1280x720 pixels/);
      assert.deepEqual(await session.resize(5000, 5000), { width: 1920, height: 1080 });
      assert.deepEqual(await session.screenSize(), { width: 1920, height: 1080 });
      assert.match((await x.run("xrandr", [])).stdout, /current 1920 x 1080/);
    });

    await t.step("clipboard both ways", async () => {
      const seen: string[] = [];
      session.onClipboard((text) => seen.push(text));
      await session.setClipboard("from the browser ✓");
      const read = await waitFor("xclip reading our text", async () => {
        const out = await x.run("xclip", ["-selection", "clipboard", "-o"]);
        return out.code === 0 && out.stdout;
      });
      assert.equal(read, "from the browser ✓");
      await x.ownClipboard("from the desktop"); // another client takes the selection
      await waitFor("onClipboard", () => seen.length > 0);
      assert.deepEqual(seen, ["from the desktop"]);
      await session.setClipboard("x".repeat(10)); // our own set is not echoed back
      await delay(300);
      assert.deepEqual(seen, ["from the desktop"]);
    });
  } finally {
    await session.close();
    await Deno.remove(dir, { recursive: true });
    await x.stop();
  }
});

/** A second client that grabs the server (what a GStreamer ximagesrc stuck in capture does). */
function grabber(display: string, xauthority: string) {
  const x11 = Deno.dlopen("libX11.so.6", {
    XOpenDisplay: { parameters: ["buffer"], result: "pointer" },
    XGrabServer: { parameters: ["pointer"], result: "i32" },
    XUngrabServer: { parameters: ["pointer"], result: "i32" },
    XSync: { parameters: ["pointer", "i32"], result: "i32" },
    XCloseDisplay: { parameters: ["pointer"], result: "i32" },
  });
  Deno.env.set("XAUTHORITY", xauthority);
  const dpy = x11.symbols.XOpenDisplay(new TextEncoder().encode(display + "\0"));
  Deno.env.delete("XAUTHORITY");
  assert.ok(dpy);
  x11.symbols.XGrabServer(dpy);
  x11.symbols.XSync(dpy, 0);
  return () => {
    x11.symbols.XUngrabServer(dpy);
    x11.symbols.XCloseDisplay(dpy);
    x11.close();
  };
}

Deno.test("a server held by another client: the event loop stays live, the stall is reported, input is dropped", async () => {
  const x = await startTestDisplay();
  const session = openX11(x.display.name, x.display.xauthority);
  let release: (() => void) | undefined;
  try {
    const stalls: string[] = [];
    session.onStall((what) => stalls.push(what));
    release = grabber(x.display.name, x.display.xauthority);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 50);
    const resized = session.resize(800, 600);
    const started = performance.now();
    for (let i = 0; i < 2000; i++) session.moveTo(i % 700, 10); // coalesced or dropped, never blocking
    for (let i = 0; i < 2000; i++) session.keyDown(0x61 + (i % 2));
    assert.ok(performance.now() - started < 500, "queueing input does not wait on the server");
    await waitFor("the stall report", () => stalls.length > 0);
    clearInterval(ticker);
    const seconds = (performance.now() - started) / 1000;
    assert.ok(ticks >= seconds * 20 * 0.5, `timers ran ${ticks} times in ${seconds.toFixed(1)} s`);
    assert.match(stalls[0], /resize/);
    release();
    release = undefined;
    assert.deepEqual(await resized, { width: 800, height: 600 }, "the request completes once the grab ends");
    session.releaseAll();
    await session.sync();
  } finally {
    release?.();
    await session.close();
    await x.stop();
  }
});

Deno.test("a lost X server is reported instead of exiting the process", async () => {
  const x = await startTestDisplay();
  const session = openX11(x.display.name, x.display.xauthority);
  try {
    const lost = new Promise<void>((resolve) => session.onLost(resolve));
    await x.display.stop(); // Xvfb ends: Xlib's default I/O error handling would exit() right here
    await lost;
    await assert.rejects(session.resize(800, 600), /lost/);
    session.moveTo(1, 1);
  } finally {
    await session.close();
    await x.stop();
  }
});
