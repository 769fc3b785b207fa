// Keys typed through X11Session land as the characters asked for, whatever the X keymap: a real Xvfb, its
// keymap switched with setxkbmap, and an xterm running `cat` that writes what it receives to a file.
import assert from "node:assert/strict";
import { openX11 } from "./session.ts";
import { startTestDisplay } from "../../tests/fixtures/xvfb.ts";
import { delay, waitFor } from "../../tests/fixtures/async.ts";

const SHIFT_L = 0xffe1, CONTROL_L = 0xffe3, ALTGR = 0xfe03, CAPS_LOCK = 0xffe5, RETURN = 0xff0d;

/** The keysym the browser sends for a character (as web/client/keysym.ts does). */
const keysym = (char: string) => {
  if (char === "\n") return RETURN;
  const cp = char.codePointAt(0)!;
  return cp <= 0xff ? cp : 0x01000000 + cp;
};

Deno.test("keys land as the characters asked for, whatever the X keymap", async (t) => {
  const display = await startTestDisplay();
  const out = await Deno.makeTempFile({ prefix: "selkies-keys-" });
  const env = { ...display.display.env, LANG: "C.UTF-8", LC_ALL: "C.UTF-8" };
  display.group.spawn("xterm", "xterm", {
    args: ["-geometry", "80x10+0+0", "-e", "sh", "-c", `stty -echo; cat > ${out}`],
    env,
    stdout: "null",
    stderr: "null",
  });
  const x = openX11(display.display.name, display.display.xauthority);
  let expected = "";
  /** Ends the line with Return and waits until cat has written everything typed so far. */
  const line = async (text: string) => {
    expected += text + "\n";
    x.keyDown(RETURN);
    x.keyUp(RETURN);
    await waitFor(`"${text}" in the xterm`, async () => (await Deno.readTextFile(out)) === expected, {
      timeoutMs: 10_000,
    }).catch(async (error) => {
      assert.equal(await Deno.readTextFile(out), expected, String(error));
    });
  };
  const type = (text: string) => {
    for (const char of text) {
      x.keyDown(keysym(char));
      x.keyUp(keysym(char));
    }
  };
  const layout = async (...args: string[]) => {
    const result = await display.run("setxkbmap", args);
    assert.equal(result.code, 0, result.stderr);
  };
  const text = "A>@_/?{}[]\\|~`äöüßÄÖÜ€éèçñ日本語";
  try {
    // Without a window manager the keyboard goes where the pointer is. Until the xterm is up and its cat
    // runs, keys get lost: type a probe line until one arrives.
    x.moveTo(100, 50);
    await waitFor("the xterm to take keys", async () => {
      type("ready\n");
      await x.sync();
      await delay(300);
      return (await Deno.readTextFile(out)).endsWith("ready\n");
    }, { timeoutMs: 20_000, intervalMs: 0 });
    expected = await Deno.readTextFile(out);
    for (const args of [["de"], ["fr"], ["us", "-variant", "intl"], ["se"]]) {
      await t.step(`${args.join(" ")}: characters on every level, and ones the keymap lacks`, async () => {
        await layout(...args);
        type(text);
        await line(text);
      });
    }

    await t.step(
      "held modifiers: a Shift or AltGr the character needs stays, one it must not have is lifted",
      async () => {
        await layout("de");
        // A US browser's Shift+2 ("@") and Shift+7 ("&") on a German keymap, Shift held throughout.
        x.keyDown(SHIFT_L);
        type("@&7A");
        x.keyUp(SHIFT_L);
        await line("@&7A");
        // A German browser's AltGr+Q ("@") and AltGr+7 ("{") on a US keymap.
        await layout("us");
        x.keyDown(ALTGR);
        type("@{a");
        x.keyUp(ALTGR);
        type("a");
        await line("@{aa");
      },
    );

    await t.step("Control keeps shortcut semantics; Caps Lock is honoured", async () => {
      x.keyDown(CONTROL_L);
      type("v"); // Ctrl+V: the terminal's "insert the next character literally"
      x.keyUp(CONTROL_L);
      type("x");
      x.keyDown(CAPS_LOCK);
      x.keyUp(CAPS_LOCK);
      type("Ab/");
      x.keyDown(CAPS_LOCK);
      x.keyUp(CAPS_LOCK);
      type("c");
      await line("xAb/c");
    });

    await t.step("committed text is typed whole, a held Shift does not change it", async () => {
      // More characters the keymap lacks than there are spare keycodes: they are remapped in turn.
      const cjk = "日本語の文字を入力します한국어中文字符";
      x.keyDown(SHIFT_L);
      x.typeText("a/" + cjk);
      x.keyUp(SHIFT_L);
      x.typeText("\tb");
      await line("a/" + cjk + "\tb");
    });

    await t.step("releasing everything leaves no modifier down", async () => {
      x.keyDown(SHIFT_L);
      x.keyDown(ALTGR);
      x.keyDown(CONTROL_L);
      x.releaseAll();
      await x.sync();
      // Another client types "a": held Shift, AltGr or Control would change it.
      assert.equal((await display.run("xdotool", ["key", "a", "Return"])).code, 0);
      expected += "a\n";
      await waitFor("xdotool's key", async () => (await Deno.readTextFile(out)) === expected);
    });
  } finally {
    await x.close();
    await display.stop();
    await Deno.remove(out);
  }
});
