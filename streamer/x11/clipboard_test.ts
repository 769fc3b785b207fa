import assert from "node:assert/strict";
import { Clipboard } from "./_clipboard.ts";
import { startTestDisplay } from "../../tests/fixtures/xvfb.ts";

Deno.test("clipboard: two ownership changes during one read deliver the new text once", async () => {
  const x = await startTestDisplay();
  const clipboard = new Clipboard(x.display.env);
  try {
    const other = x.group.spawn("xclip", "xclip", {
      args: ["-selection", "clipboard", "-i", "-quiet"],
      env: x.display.env,
      stdin: "piped",
      stdout: "null",
      stderr: "null",
    });
    const w = other.process.stdin!.getWriter();
    await w.write(new TextEncoder().encode("from the desktop"));
    await w.close();
    await waitOwned(x, "from the desktop");
    const seen: string[] = [];
    // XFixes can report two owner changes before the first read ends (our old owner quitting, then the
    // new owner): the second read finds the same text.
    clipboard.changed((text) => seen.push(text));
    clipboard.changed((text) => seen.push(text));
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(seen, ["from the desktop"]);
    await clipboard.set("ours");
    await waitOwned(x, "ours"); // XFixes reports our owner change only once xclip holds it
    clipboard.changed((text) => seen.push(text));
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual(seen, ["from the desktop"], "our own text is not echoed back");
  } finally {
    await clipboard.close();
    await x.stop();
  }
});

async function waitOwned(x: Awaited<ReturnType<typeof startTestDisplay>>, text: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await x.run("xclip", ["-selection", "clipboard", "-o"])).stdout === text) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("xclip never took the selection");
}
