/**
 * Maps browser keyboard events to X11 keysyms.
 *
 * @module
 */
import { keysymFromChar } from "../../protocol/keysym.ts";

export { keysymFromChar };

/** The parts of a KeyboardEvent the mapping reads. */
export interface KeyLike {
  /** `KeyboardEvent.key`: the produced character or the key's name. */
  key: string;
  /** `KeyboardEvent.code`: the physical key. */
  code: string;
  /** `KeyboardEvent.location`: 0 standard, 1 left, 2 right, 3 numpad. */
  location?: number;
}

const NAMED: Record<string, number> = {
  Enter: 0xff0d,
  Backspace: 0xff08,
  Tab: 0xff09,
  Escape: 0xff1b,
  Delete: 0xffff,
  Insert: 0xff63,
  Home: 0xff50,
  End: 0xff57,
  PageUp: 0xff55,
  PageDown: 0xff56,
  ArrowLeft: 0xff51,
  ArrowUp: 0xff52,
  ArrowRight: 0xff53,
  ArrowDown: 0xff54,
  CapsLock: 0xffe5,
  NumLock: 0xff7f,
  ScrollLock: 0xff14,
  Pause: 0xff13,
  PrintScreen: 0xff61,
  ContextMenu: 0xff67,
  AltGraph: 0xfe03,
  Clear: 0xff0b,
};

/** Left/right pairs: [left keysym, right keysym]. */
const SIDED: Record<string, [number, number]> = {
  Shift: [0xffe1, 0xffe2],
  Control: [0xffe3, 0xffe4],
  Alt: [0xffe9, 0xffea],
  // The browser's Meta is the Windows/Command key, which X desktops know as Super.
  Meta: [0xffeb, 0xffec],
  OS: [0xffeb, 0xffec],
};

const NUMPAD: Record<string, number> = {
  Enter: 0xff8d,
  "+": 0xffab,
  "-": 0xffad,
  "*": 0xffaa,
  "/": 0xffaf,
  ".": 0xffae,
  ",": 0xffac,
};

const DOM_KEY_LOCATION_RIGHT = 2;
const DOM_KEY_LOCATION_NUMPAD = 3;

/**
 * Returns the X keysym for a key event, or `undefined` for keys the desktop cannot receive
 * (dead keys, unidentified keys without a usable physical code).
 *
 * @example
 * ```ts
 * import { keysymFromKey } from "./keysym.ts";
 * keysymFromKey({ key: "Enter", code: "Enter" }); // 0xff0d
 * keysymFromKey({ key: "Shift", code: "ShiftRight", location: 2 }); // 0xffe2
 * keysymFromKey({ key: "A", code: "KeyA" }); // 0x41
 * ```
 */
export function keysymFromKey(event: KeyLike): number | undefined {
  const { key, code } = event;
  if (event.location === DOM_KEY_LOCATION_NUMPAD) {
    if (key.length === 1 && key >= "0" && key <= "9") return 0xffb0 + Number(key);
    if (key in NUMPAD) return NUMPAD[key];
  }
  if (key in SIDED) return SIDED[key][event.location === DOM_KEY_LOCATION_RIGHT ? 1 : 0];
  if (key in NAMED) return NAMED[key];
  const fn = /^F([1-9]|1[0-9]|2[0-4])$/.exec(key);
  if (fn) return 0xffbe + Number(fn[1]) - 1;
  // One character (possibly outside the BMP): the key produces text.
  if ([...key].length === 1) return keysymFromChar(key);
  return fromCode(code);
}

/** Fallback for `key: "Unidentified"` (some IMEs, remote keyboards): the US layout's symbol. */
function fromCode(code: string): number | undefined {
  const letter = /^Key([A-Z])$/.exec(code);
  if (letter) return letter[1].toLowerCase().charCodeAt(0);
  const digit = /^Digit([0-9])$/.exec(code);
  if (digit) return digit[1].charCodeAt(0);
  if (code === "Space") return 0x20;
  return undefined;
}
