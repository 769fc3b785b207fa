import assert from "node:assert/strict";
import { Clipboard } from "./_clipboard.ts";
import { startTestDisplay, type TestDisplay } from "../../tests/fixtures/xvfb.ts";
import { delay, waitFor } from "../../tests/fixtures/async.ts";

Deno.test("clipboard: two ownership changes during one read deliver the new text once", async () => {
  const x = await startTestDisplay();
  const clipboard = new Clipboard(x.display.env);
  try {
    await x.ownClipboard("from the desktop");
    await waitOwned(x, "from the desktop");
    const seen: string[] = [];
    // XFixes can report two owner changes before the first read ends (our old owner quitting, then the
    // new owner): the second read finds the same text.
    clipboard.changed((text) => seen.push(text));
    clipboard.changed((text) => seen.push(text));
    await delay(1500);
    assert.deepEqual(seen, ["from the desktop"]);
    await clipboard.set("ours");
    await waitOwned(x, "ours"); // XFixes reports our owner change only once xclip holds it
    clipboard.changed((text) => seen.push(text));
    await delay(800);
    assert.deepEqual(seen, ["from the desktop"], "our own text is not echoed back");
  } finally {
    await clipboard.close();
    await x.stop();
  }
});

async function waitOwned(x: TestDisplay, text: string): Promise<void> {
  await waitFor(
    `xclip to read "${text}" from the selection`,
    async () => (await x.run("xclip", ["-selection", "clipboard", "-o"])).stdout === text,
    { intervalMs: 100 },
  );
}
