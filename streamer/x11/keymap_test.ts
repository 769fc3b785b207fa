import assert from "node:assert/strict";
import {
  canonicalKeysym,
  isModifierKeysym,
  type KeyEntry,
  Keymap,
  type KeymapData,
  type ModifierState,
  subsets,
} from "./_keymap.ts";

// A slice of the German (de) keymap as the X server reports it: Shift = 1, Lock = 2, NumLock = Mod2 (16),
// AltGr = ISO_Level3_Shift on Mod5 (128). Levels per key: [none, Shift, AltGr, Shift+AltGr].
const SHIFT = 1, LOCK = 2, NUMLOCK = 16, L3 = 128, CONTROL = 4;
const SHIFT_L = 50, ALTGR = 92, KEY_7 = 16, KEY_Q = 24, KEY_E = 26, KEY_A = 38, KEY_KP1 = 87;

/** Entries of a key for every probed modifier combination, the way XkbTranslateKeyCode answers. */
function key(keycode: number, levels: number[], alphabetic: boolean): KeyEntry[] {
  return subsets(SHIFT | LOCK | NUMLOCK | L3).map((mods) => {
    let shifted = (mods & SHIFT) !== 0;
    if (alphabetic && mods & LOCK && !(mods & L3)) shifted = !shifted; // Caps Lock acts on levels 1-2 only
    const level = (shifted ? 1 : 0) + (mods & L3 ? 2 : 0);
    return { keycode, mods, keysym: levels[Math.min(level, levels.length - 1)] };
  });
}

function keypad(keycode: number): KeyEntry[] {
  return subsets(SHIFT | LOCK | NUMLOCK | L3).map((mods) => ({
    keycode,
    mods,
    keysym: (mods & NUMLOCK) && !(mods & SHIFT) ? 0xffb1 : 0xff9c, // KP_1 / KP_End
  }));
}

function germanData(modifierKeys = new Map([[SHIFT, SHIFT_L], [L3, ALTGR]])): KeymapData {
  return {
    group: 0,
    bits: { shift: SHIFT, lock: LOCK, numLock: NUMLOCK, level3: L3, level5: 0 },
    modifierKeys,
    entries: [
      ...key(SHIFT_L, [0xffe1], false),
      ...key(ALTGR, [0xfe03], false),
      ...key(KEY_7, [0x37, 0x2f, 0x7b, 0xac6], false), // 7 / { ⅞
      ...key(KEY_Q, [0x71, 0x51, 0x40, 0x7d9], true), // q Q @ Greek_OMEGA
      ...key(KEY_E, [0x65, 0x45, 0x20ac, 0x20ac], true), // e E EuroSign EuroSign
      ...key(KEY_A, [0x61, 0x41, 0xe6, 0xc6], true), // a A æ Æ
      ...keypad(KEY_KP1),
    ],
  };
}

/** Xlib's table for the legacy keysyms used here. */
const ucs = (keysym: number) => ({ 0x20ac: 0x20ac, 0x7d9: 0x3a9, 0xac6: 0x215e })[keysym] ?? 0;
const german = new Keymap(germanData(), ucs);
const idle: ModifierState = { mods: 0, sticky: 0, held: new Map() };
const holdingShift: ModifierState = { mods: SHIFT, sticky: 0, held: new Map([[SHIFT_L, SHIFT]]) };

Deno.test("a character on a shifted level is typed with Shift pressed around its key", () => {
  assert.deepEqual(german.plan(0x2f, idle), { keycode: KEY_7, press: [SHIFT_L], release: [] }); // "/"
  assert.deepEqual(german.plan(0x41, idle), { keycode: KEY_A, press: [SHIFT_L], release: [] }); // "A"
});

Deno.test("an AltGr character is typed with ISO_Level3_Shift, found by character for Unicode keysyms", () => {
  assert.deepEqual(german.plan(0x40, idle), { keycode: KEY_Q, press: [ALTGR], release: [] }); // "@"
  assert.deepEqual(german.plan(0x7b, idle), { keycode: KEY_7, press: [ALTGR], release: [] }); // "{"
  // The browser sends "€" as 0x010020ac; the keymap has the legacy EuroSign.
  assert.deepEqual(german.plan(0x010020ac, idle), { keycode: KEY_E, press: [ALTGR], release: [] });
  assert.deepEqual(german.plan(0x010003a9, idle), { keycode: KEY_Q, press: [SHIFT_L, ALTGR], release: [] });
});

Deno.test("a held Shift the character needs is kept; one it must not have is released around the key", () => {
  assert.deepEqual(german.plan(0x2f, holdingShift), { keycode: KEY_7, press: [], release: [] });
  assert.deepEqual(german.plan(0x37, holdingShift), { keycode: KEY_7, press: [], release: [SHIFT_L] });
  // A US browser's Shift+2 is "@": Shift goes up, AltGr down.
  assert.deepEqual(german.plan(0x40, holdingShift), { keycode: KEY_Q, press: [ALTGR], release: [SHIFT_L] });
});

Deno.test("Control and Alt stay as they are: shortcuts keep their modifiers", () => {
  const control: ModifierState = { mods: CONTROL, sticky: 0, held: new Map([[37, 0]]) };
  assert.deepEqual(german.plan(0x61, control), { keycode: KEY_A, press: [], release: [] });
  const controlShift: ModifierState = {
    mods: CONTROL | SHIFT,
    sticky: 0,
    held: new Map([[37, 0], [SHIFT_L, SHIFT]]),
  };
  assert.deepEqual(german.plan(0x41, controlShift), { keycode: KEY_A, press: [], release: [] });
});

Deno.test("Caps Lock is taken as it is: its letters need no Shift, the other case needs it", () => {
  const caps: ModifierState = { mods: LOCK, sticky: LOCK, held: new Map() };
  assert.deepEqual(german.plan(0x41, caps), { keycode: KEY_A, press: [], release: [] });
  assert.deepEqual(german.plan(0x61, caps), { keycode: KEY_A, press: [SHIFT_L], release: [] });
  assert.deepEqual(german.plan(0x2f, caps), { keycode: KEY_7, press: [SHIFT_L], release: [] });
});

Deno.test("a modifier we cannot release, or cannot press, leaves no plan (the caller maps a spare key)", () => {
  const latched: ModifierState = { mods: SHIFT, sticky: SHIFT, held: new Map() };
  assert.equal(german.plan(0x37, latched), undefined);
  const otherClient: ModifierState = { mods: SHIFT, sticky: 0, held: new Map() };
  assert.equal(german.plan(0x37, otherClient), undefined);
  const noAltGr = new Keymap(germanData(new Map([[SHIFT, SHIFT_L]])), ucs);
  assert.equal(noAltGr.plan(0x40, idle), undefined);
  assert.equal(german.plan(0xe4, idle), undefined); // "ä" is on no key of this slice
});

Deno.test("keypad keysyms follow Num Lock as the server has it", () => {
  assert.equal(german.plan(0xffb1, idle), undefined); // KP_1 with Num Lock off: a spare key
  const numLock: ModifierState = { mods: NUMLOCK, sticky: NUMLOCK, held: new Map() };
  assert.deepEqual(german.plan(0xffb1, numLock), { keycode: KEY_KP1, press: [], release: [] });
});

Deno.test("keys are looked up for modifier keysyms, and empty keycodes are free", () => {
  assert.equal(german.anyKeycode(0xfe03), ALTGR);
  assert.equal(german.anyKeycode(0xffe9), undefined); // Alt_L is not in this slice
  assert.equal(german.modifierBitsOf(0xffe1), SHIFT);
  assert.equal(german.modifierBitsOf(0xfe03), L3);
  assert.equal(german.modifierBitsOf(0xffe3), 0); // Control: never planned around
  assert.ok(german.produces(KEY_E, 0x010020ac));
  assert.ok(!german.produces(KEY_E, 0x40));
  assert.ok(german.isEmpty(200));
  assert.ok(!german.isEmpty(KEY_A));
});

Deno.test("keysyms of one character share a canonical form", () => {
  assert.equal(canonicalKeysym(0x20ac, ucs), 0x010020ac); // EuroSign
  assert.equal(canonicalKeysym(0x010020ac, ucs), 0x010020ac);
  assert.equal(canonicalKeysym(0x010000e4, ucs), 0xe4); // a Unicode keysym for a Latin-1 character
  assert.equal(canonicalKeysym(0xff0d, ucs), 0xff0d); // Return stays a key
  assert.equal(canonicalKeysym(0xffb1, () => 0x31), 0xffb1); // KP_1 is not "1"
  assert.equal(canonicalKeysym(0xfe51, ucs), 0xfe51); // dead_acute has no character
  assert.equal(canonicalKeysym(0x01000007, ucs), 0x01000007); // a control character stays what it is
});

Deno.test("modifier keysyms are recognised", () => {
  for (const k of [0xffe1, 0xffe3, 0xffe9, 0xffeb, 0xffe5, 0xfe03, 0xff7f]) assert.ok(isModifierKeysym(k));
  for (const k of [0x61, 0xff0d, 0xfe51]) assert.ok(!isModifierKeysym(k));
  assert.deepEqual(subsets(0b101), [0, 1, 4, 5]);
});
