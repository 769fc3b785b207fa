/**
 * Keyboards end to end: a real session (Xvfb, streamer) viewed by headless Chromium, typing into an xterm that
 * writes what it receives to a file. The X keymap is switched between German, French and US-International;
 * the page types as a US browser does (playwright's keyboard, no Shift events for "A>@_"), as a German
 * browser does (Shift+7 is "/", AltGr+Q "@": key values sent through CDP), dead keys (a "Dead" keydown, then
 * the composed character), text without keys (insertText) and an IME composition (CDP imeSetComposition,
 * then insertText). Modifiers held when the page loses focus, is hidden or changes pointer lock must not stay
 * down on the desktop: another X client's key shows it.
 */
import assert from "node:assert/strict";
import type { CDPSession, Page } from "playwright-core";
import { delay, waitFor } from "./fixtures/async.ts";
import type { Win } from "./fixtures/client_browser.ts";
import { runX, startViewedSession } from "./fixtures/session.ts";

/** A key event as a browser with another layout sends it (Chromium's CDP input, like a real key). */
async function key(
  cdp: CDPSession,
  type: "keyDown" | "keyUp",
  key: string,
  code: string,
  options: { text?: string; location?: number } = {},
): Promise<void> {
  await cdp.send("Input.dispatchKeyEvent", {
    type,
    key,
    code,
    ...options,
    ...(options.text && { text: options.text }),
  });
}

/** Presses `char` on a key as a German browser reports it: key value `char`, with the modifiers held. */
async function germanKey(cdp: CDPSession, char: string, code: string, modifier: "Shift" | "AltGraph") {
  const [mod, modCode, location] = modifier === "Shift"
    ? ["Shift", "ShiftLeft", 1]
    : ["AltGraph", "AltRight", 2];
  await key(cdp, "keyDown", mod, modCode, { location });
  await key(cdp, "keyDown", char, code, { text: char });
  await key(cdp, "keyUp", char, code);
  await key(cdp, "keyUp", mod, modCode, { location });
}

Deno.test("typing in the page lands as the same characters whatever the X keymap", async (t) => {
  const out = await Deno.makeTempFile({ prefix: "selkies-keyboard-" });
  const desktop = `exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 xterm -geometry 100x20+0+0 -e sh -c 'cat > ${out}'`;
  const { session, page, stop } = await startViewedSession({ desktop, geometry: "1280x720", fps: 10 });
  let expected = "";
  const line = async (what: string) => {
    expected += what + "\n";
    await page.keyboard.press("Enter");
    await waitFor(`"${what}" in the xterm`, async () => (await Deno.readTextFile(out)) === expected, {
      timeoutMs: 10_000,
    }).catch(async (error) => assert.equal(await Deno.readTextFile(out), expected, String(error)));
  };
  /** Another X client types "a": a modifier left down on the desktop would change it. */
  const noModifierHeld = async () => {
    await delay(200); // the reset travels through the socket and the streamer's queue
    assert.equal(await runX(session, "xdotool", "key", "a", "Return"), "");
    expected += "a\n";
    await waitFor("xdotool's plain a", async () => (await Deno.readTextFile(out)) === expected).catch(
      async (error) => assert.equal(await Deno.readTextFile(out), expected, String(error)),
    );
  };
  try {
    await page.goto(`${session.url}&transport=websocket&resize=off`);
    await page.waitForFunction(() => (globalThis as Win).selkiesStats?.framesDecoded > 0, null, {
      timeout: 20_000,
    });
    await page.mouse.click(200, 100); // into the xterm: without a window manager, focus follows the pointer
    // Until the xterm and its cat are up, keys get lost: type a probe line until one arrives.
    await waitFor("the xterm to take keys", async () => {
      await page.keyboard.type("ready\n");
      await delay(300);
      return (await Deno.readTextFile(out)).endsWith("ready\n");
    }, { timeoutMs: 20_000, intervalMs: 0 });
    expected = await Deno.readTextFile(out);
    const cdp = await page.context().newCDPSession(page);

    for (const layout of [["de"], ["fr"], ["us", "-variant", "intl"]]) {
      await t.step(`X keymap ${layout.join(" ")}: US keys, German AltGr keys, dead keys, text`, async () => {
        assert.equal(await runX(session, "setxkbmap", ...layout), "");
        await page.keyboard.type("A>@_/?{}[]\\|~`"); // a US browser: key values, no Shift events
        await page.keyboard.type("äöüßÄ€éèç"); // not on a US keyboard: playwright inserts them as text
        await germanKey(cdp, "/", "Digit7", "Shift");
        await germanKey(cdp, "@", "KeyQ", "AltGraph");
        await germanKey(cdp, "{", "Digit7", "AltGraph");
        // A dead acute, then e: the browser reports "Dead", then the composed character.
        await key(cdp, "keyDown", "Dead", "Equal");
        await key(cdp, "keyUp", "Dead", "Equal");
        await key(cdp, "keyDown", "é", "KeyE", { text: "é" });
        await key(cdp, "keyUp", "e", "KeyE");
        await line("A>@_/?{}[]\\|~`äöüßÄ€éèç/@{é");
      });
    }

    await t.step(
      "text without key events (insertText) and an IME composition land once, as committed",
      async () => {
        await page.keyboard.insertText("A>@_");
        await cdp.send("Input.imeSetComposition", { text: "にほん", selectionStart: 3, selectionEnd: 3 });
        await cdp.send("Input.imeSetComposition", { text: "日本", selectionStart: 2, selectionEnd: 2 });
        await cdp.send("Input.insertText", { text: "日本語" });
        await line("A>@_日本語");
      },
    );

    await t.step(
      "modifiers held when the page loses focus, is hidden or changes pointer lock are let go",
      async () => {
        const holdThen = async (lose: (page: Page) => Promise<unknown>) => {
          await page.keyboard.down("Shift");
          await page.keyboard.down("Control");
          await key(cdp, "keyDown", "AltGraph", "AltRight", { location: 2 });
          await lose(page);
          await noModifierHeld();
          await key(cdp, "keyUp", "AltGraph", "AltRight", { location: 2 });
          await page.keyboard.up("Control");
          await page.keyboard.up("Shift");
        };
        await holdThen((p) => p.evaluate(() => dispatchEvent(new Event("blur"))));
        await holdThen((p) =>
          p.evaluate(() => {
            Object.defineProperty(document, "hidden", { value: true, configurable: true });
            document.dispatchEvent(new Event("visibilitychange"));
            Object.defineProperty(document, "hidden", { value: false, configurable: true });
          })
        );
        await holdThen((p) => p.evaluate(() => document.dispatchEvent(new Event("pointerlockchange"))));
      },
    );
  } finally {
    await stop();
    await Deno.remove(out);
  }
});
