import assert from "node:assert/strict";
import { markdownTable, textTable } from "./table.ts";

Deno.test("textTable pads every column but the last to its widest cell", () => {
  assert.equal(textTable([["a", "bb", "x"], ["ccc", "d", "yy"]]), "a    bb  x\nccc  d   yy");
});

Deno.test("markdownTable writes a header rule and escapes pipes", () => {
  assert.equal(markdownTable([["h1", "h2"], ["a|b", "c"]]), "| h1 | h2 |\n|---|---|\n| a\\|b | c |");
});
