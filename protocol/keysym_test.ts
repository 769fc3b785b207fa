import assert from "node:assert/strict";
import { keysymFromChar, keysymsFromText, MAX_TEXT_CHARS, splitText } from "./keysym.ts";

Deno.test("characters map to Latin-1 keysyms or Unicode keysyms; control characters to none", () => {
  assert.equal(keysymFromChar("a"), 0x61);
  assert.equal(keysymFromChar("ß"), 0xdf);
  assert.equal(keysymFromChar("€"), 0x010020ac);
  assert.equal(keysymFromChar("😀"), 0x0101f600);
  assert.equal(keysymFromChar("\u0007"), undefined);
  assert.equal(keysymFromChar("\u0085"), undefined);
  assert.equal(keysymFromChar(""), undefined);
});

Deno.test("text becomes one keysym per character, line breaks Return, tabs Tab", () => {
  assert.deepEqual(keysymsFromText("日本語"), [0x010065e5, 0x0100672c, 0x01008a9e]);
  assert.deepEqual(keysymsFromText("a\r\nb\rc\td"), [0x61, 0xff0d, 0x62, 0xff0d, 0x63, 0xff09, 0x64]);
  assert.deepEqual(keysymsFromText("x\u0000\u001by"), [0x78, 0x79]);
  assert.deepEqual(keysymsFromText("😀"), [0x0101f600]);
});

Deno.test("long text is cut into message-sized pieces, never inside a character", () => {
  assert.deepEqual(splitText(""), []);
  assert.deepEqual(splitText("short"), ["short"]);
  const emoji = "😀".repeat(MAX_TEXT_CHARS); // two UTF-16 units each
  const pieces = splitText("a" + emoji);
  assert.equal(pieces.join(""), "a" + emoji);
  assert.ok(pieces.every((p) => p.length <= MAX_TEXT_CHARS && !/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(p)));
  assert.equal(pieces.length, 3);
});
