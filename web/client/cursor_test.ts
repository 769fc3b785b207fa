import assert from "node:assert/strict";
import { cursorCss } from "./cursor.ts";

Deno.test("cursor images become a data URL with the hotspot", () => {
  assert.equal(
    cursorCss({ t: "cursor", png: "AAAA", w: 32, h: 32, hx: 4, hy: 7 }),
    'url("data:image/png;base64,AAAA") 4 7, auto',
  );
});

Deno.test("a hidden cursor is none; hotspots are clamped into the image", () => {
  assert.equal(cursorCss({ t: "cursor-hidden" }), "none");
  assert.equal(
    cursorCss({ t: "cursor", png: "AAAA", w: 16, h: 16, hx: 99, hy: -3 }),
    'url("data:image/png;base64,AAAA") 15 0, auto',
  );
});

Deno.test("a payload that is not base64 cannot inject CSS", () => {
  assert.equal(cursorCss({ t: "cursor", png: 'A") , url(http://evil/', w: 1, h: 1, hx: 0, hy: 0 }), "auto");
});
