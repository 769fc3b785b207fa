import assert from "node:assert/strict";
import { clipTextThatFits, MAX_CLIPBOARD_CHARS, MAX_CONTROL_BYTES } from "./framing.ts";
import { parseClientMessage } from "./protocol.ts";
import { wireBytes } from "./wire_size.ts";

const message = (text: string) => JSON.stringify({ t: "clip", text });

Deno.test("clipboard text is cut to what one clip message carries, by UTF-8 bytes", async (t) => {
  await t.step("text that fits is sent whole", () => {
    assert.equal(clipTextThatFits("hello"), "hello");
    assert.equal(clipTextThatFits(""), "");
    const ascii = "x".repeat(MAX_CLIPBOARD_CHARS);
    assert.equal(clipTextThatFits(ascii), ascii);
  });

  await t.step("ASCII stops at the character limit", () => {
    assert.equal(clipTextThatFits("x".repeat(MAX_CLIPBOARD_CHARS + 10)).length, MAX_CLIPBOARD_CHARS);
  });

  for (
    const [what, text] of [
      ["3-byte characters", "€".repeat(100_000)],
      ["characters above U+FFFF (surrogate pairs)", "😀".repeat(70_000)],
      ["characters JSON escapes", '"\\\n\u0001'.repeat(40_000)],
      ["mixed", 'a€😀é"'.repeat(30_000)],
    ] as const
  ) {
    await t.step(`${what}: the longest start that fits, and the streamer accepts it`, () => {
      const cut = clipTextThatFits(text);
      assert.ok(text.startsWith(cut));
      assert.ok(cut.length < text.length);
      assert.ok(wireBytes(message(cut)) <= MAX_CONTROL_BYTES);
      // One more character (a whole code point) would not fit.
      const next = text.codePointAt(cut.length)! > 0xffff ? 2 : 1;
      assert.ok(wireBytes(message(text.slice(0, cut.length + next))) > MAX_CONTROL_BYTES);
      assert.deepEqual(parseClientMessage(message(cut)), { t: "clip", text: cut });
    });
  }

  await t.step("a surrogate pair is never split", () => {
    const cut = clipTextThatFits("😀".repeat(70_000));
    assert.equal(cut.length % 2, 0);
    assert.equal(wireBytes(cut), (cut.length / 2) * 4);
    // Also at the character limit.
    const x = "x".repeat(MAX_CLIPBOARD_CHARS - 1);
    assert.equal(clipTextThatFits(x + "😀"), x);
  });
});
