import assert from "node:assert/strict";
import { keysymFromChar, keysymFromKey } from "./keysym.ts";

Deno.test("printable ASCII and Latin-1 characters map to their code point", () => {
  assert.equal(keysymFromKey({ key: "a", code: "KeyA" }), 0x61);
  assert.equal(keysymFromKey({ key: "A", code: "KeyA" }), 0x41);
  assert.equal(keysymFromKey({ key: " ", code: "Space" }), 0x20);
  assert.equal(keysymFromKey({ key: "~", code: "Backquote" }), 0x7e);
  assert.equal(keysymFromKey({ key: "é", code: "Digit2" }), 0xe9);
  assert.equal(keysymFromKey({ key: "ß", code: "Minus" }), 0xdf);
});

Deno.test("other characters map to 0x01000000 + code point, astral ones included", () => {
  assert.equal(keysymFromKey({ key: "€", code: "KeyE" }), 0x010020ac);
  assert.equal(keysymFromKey({ key: "ж", code: "Semicolon" }), 0x01000436);
  assert.equal(keysymFromChar("😀"), 0x0101f600);
});

Deno.test("control characters have no keysym", () => {
  assert.equal(keysymFromChar("\u0007"), undefined);
  assert.equal(keysymFromChar("\u007f"), undefined);
  assert.equal(keysymFromChar("\u0085"), undefined);
  assert.equal(keysymFromChar(""), undefined);
});

Deno.test("named editing and navigation keys map to their X keysyms", () => {
  const expected: Record<string, number> = {
    Enter: 0xff0d,
    Backspace: 0xff08,
    Tab: 0xff09,
    Escape: 0xff1b,
    ArrowLeft: 0xff51,
    ArrowUp: 0xff52,
    ArrowRight: 0xff53,
    ArrowDown: 0xff54,
    Home: 0xff50,
    End: 0xff57,
    PageUp: 0xff55,
    PageDown: 0xff56,
    Insert: 0xff63,
    Delete: 0xffff,
    CapsLock: 0xffe5,
  };
  for (const [key, sym] of Object.entries(expected)) {
    assert.equal(keysymFromKey({ key, code: key }), sym, key);
  }
});

Deno.test("F1-F12 are consecutive from 0xffbe", () => {
  for (let n = 1; n <= 12; n++) {
    assert.equal(keysymFromKey({ key: `F${n}`, code: `F${n}` }), 0xffbe + n - 1);
  }
  assert.equal(keysymFromKey({ key: "F12", code: "F12" }), 0xffc9);
});

Deno.test("modifiers distinguish left and right", () => {
  assert.equal(keysymFromKey({ key: "Shift", code: "ShiftLeft", location: 1 }), 0xffe1);
  assert.equal(keysymFromKey({ key: "Shift", code: "ShiftRight", location: 2 }), 0xffe2);
  assert.equal(keysymFromKey({ key: "Control", code: "ControlLeft", location: 1 }), 0xffe3);
  assert.equal(keysymFromKey({ key: "Control", code: "ControlRight", location: 2 }), 0xffe4);
  assert.equal(keysymFromKey({ key: "Alt", code: "AltLeft", location: 1 }), 0xffe9);
  assert.equal(keysymFromKey({ key: "Meta", code: "MetaLeft", location: 1 }), 0xffeb);
  assert.equal(keysymFromKey({ key: "AltGraph", code: "AltRight", location: 2 }), 0xfe03);
});

Deno.test("numpad keys map to keypad keysyms", () => {
  assert.equal(keysymFromKey({ key: "7", code: "Numpad7", location: 3 }), 0xffb7);
  assert.equal(keysymFromKey({ key: "Enter", code: "NumpadEnter", location: 3 }), 0xff8d);
  assert.equal(keysymFromKey({ key: "+", code: "NumpadAdd", location: 3 }), 0xffab);
  // NumLock off: the numpad sends navigation keys, which map by name.
  assert.equal(keysymFromKey({ key: "Home", code: "Numpad7", location: 3 }), 0xff50);
});

Deno.test("dead and unidentified keys fall back to the physical key or nothing", () => {
  assert.equal(keysymFromKey({ key: "Dead", code: "Quote" }), undefined);
  assert.equal(keysymFromKey({ key: "Unidentified", code: "KeyQ" }), 0x71);
  assert.equal(keysymFromKey({ key: "Unidentified", code: "Digit4" }), 0x34);
  assert.equal(keysymFromKey({ key: "Unidentified", code: "" }), undefined);
});
