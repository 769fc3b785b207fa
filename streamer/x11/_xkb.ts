// Reads the XKB keyboard state and keymap on one connection, and remaps spare keycodes. Every call here runs
// on the requests connection's queue (round trips go through `nb`); the translation loop is local to Xlib.
import type { XLibs } from "./_lib.ts";
import type { Display } from "./_connection.ts";
import { type KeyEntry, type KeymapData, type ModifierBits, subsets } from "./_keymap.ts";

const XKB_USE_CORE_KBD = 0x100;
/** XkbNewKeyboardNotifyMask | XkbMapNotifyMask: a new keymap (setxkbmap) or changed key symbols. */
const XKB_KEYMAP_EVENTS = 0x3;
/** XkbKeyTypesMask | XkbKeySymsMask | XkbModifierMapMask: what XkbTranslateKeyCode reads. */
const XKB_CLIENT_MAP = 0x7;
const XKB_ALL_COMPONENTS = 0x7f;
const MAPPING_NOTIFY = 34;
const XEVENT_BYTES = 192;

const SHIFT_L = 0xffe1;
const SHIFT_R = 0xffe2;
const LEVEL3_SHIFT = 0xfe03;
const LEVEL5_SHIFT = 0xfe11;
const NUM_LOCK = 0xff7f;

/** The keyboard state that decides what a keycode produces. */
export interface XkbState {
  /** Effective group (layout index). */
  group: number;
  /** Effective modifiers. */
  mods: number;
  /** Latched or locked modifiers. */
  sticky: number;
}

/**
 * Initialises XKB on `dpy` and asks for keymap change events; resolves to XKB's event base, or null when
 * the server has no XKB.
 */
export async function openXkb(x: XLibs, dpy: Display): Promise<number | null> {
  const out = new Int32Array([0, 0, 0, 1, 0]); // opcode, event base, error base, major 1, minor 0 (in/out)
  const buf = (i: number) => new Uint8Array(out.buffer, i * 4, 4);
  if (!await x.nb.x11.XkbQueryExtension(dpy, buf(0), buf(1), buf(2), buf(3), buf(4))) return null;
  x.x11.XkbSelectEvents(dpy, XKB_USE_CORE_KBD, XKB_KEYMAP_EVENTS, XKB_KEYMAP_EVENTS);
  return out[1];
}

/** The current group and modifiers (one round trip). */
export async function readXkbState(x: XLibs, dpy: Display): Promise<XkbState> {
  const rec = new Uint8Array(18); // XkbStateRec
  await x.nb.x11.XkbGetState(dpy, XKB_USE_CORE_KBD, rec);
  return { group: rec[0], mods: rec[6], sticky: rec[8] | rec[9] };
}

/**
 * Drains the events queued on `dpy` (read by earlier round trips; only the keymap events asked for in
 * {@linkcode openXkb} arrive here); true when one says the keymap changed.
 */
export function takeKeymapChanges(x: XLibs, dpy: Display, xkbBase: number): boolean {
  const event = new Uint8Array(XEVENT_BYTES);
  const view = new DataView(event.buffer);
  let changed = false;
  while (x.x11.XQLength(dpy) > 0) {
    x.x11.XNextEvent(dpy, event);
    const type = view.getInt32(0, true);
    if (type === xkbBase || type === MAPPING_NOTIFY) changed = true;
  }
  return changed;
}

/** Xlib's keysym -> Unicode table; 0 for keysyms without a character (or an Xlib without the table). */
export function keysymToUnicode(x: XLibs): (keysym: number) => number {
  const table = x.x11.KeySymToUcs4;
  return table ? (keysym) => table(BigInt(keysym)) : () => 0;
}

/** Reads what every keycode produces in `group` under every combination of the level modifiers. */
export async function readKeymap(x: XLibs, dpy: Display, group: number): Promise<KeymapData> {
  const range = new Int32Array(2);
  x.x11.XDisplayKeycodes(dpy, new Uint8Array(range.buffer, 0, 4), new Uint8Array(range.buffer, 4, 4));
  const [min, max] = range;
  const modmap = await readModifierMap(x, dpy);
  const desc = await x.nb.x11.XkbGetMap(dpy, XKB_CLIENT_MAP, XKB_USE_CORE_KBD);
  if (!desc) throw new Error("the X server sent no XKB keymap");
  try {
    const modsOut = new Uint8Array(4);
    const sym = new BigUint64Array(1);
    const symOut = new Uint8Array(sym.buffer);
    const translate = (keycode: number, mods: number): number =>
      x.x11.XkbTranslateKeyCode(desc, keycode, (group << 13) | mods, modsOut, symOut) ? Number(sym[0]) : 0;
    // Which keycodes carry the modifier keysyms, and which real modifier each one is bound to.
    const keysOf = new Map<number, number[]>();
    for (let keycode = min; keycode <= max; keycode++) {
      const keysym = translate(keycode, 0);
      keysOf.set(keysym, [...keysOf.get(keysym) ?? [], keycode]);
    }
    const roleBit = (...keysyms: number[]): number => {
      const keycodes = keysyms.flatMap((k) => keysOf.get(k) ?? []);
      const index = modmap.findIndex((codes) => codes.some((k) => keycodes.includes(k)));
      return index < 0 ? 0 : 1 << index;
    };
    const bits: ModifierBits = {
      shift: 1,
      lock: 2,
      numLock: roleBit(NUM_LOCK),
      level3: roleBit(LEVEL3_SHIFT),
      level5: roleBit(LEVEL5_SHIFT),
    };
    const modifierKeys = new Map<number, number>();
    const keyFor = (bit: number, ...keysyms: number[]) => {
      const keycode = keysyms.flatMap((k) => keysOf.get(k) ?? [])[0];
      if (bit && keycode !== undefined) modifierKeys.set(bit, keycode);
    };
    keyFor(bits.shift, SHIFT_L, SHIFT_R);
    keyFor(bits.level3, LEVEL3_SHIFT);
    keyFor(bits.level5, LEVEL5_SHIFT);
    const masks = subsets(bits.shift | bits.lock | bits.numLock | bits.level3 | bits.level5);
    const entries: KeyEntry[] = [];
    for (let keycode = min; keycode <= max; keycode++) {
      for (const mods of masks) {
        const keysym = translate(keycode, mods);
        if (keysym) entries.push({ keycode, mods, keysym });
      }
    }
    return { group, bits, modifierKeys, entries };
  } finally {
    x.x11.XkbFreeKeyboard(desc, XKB_ALL_COMPONENTS, 1);
  }
}

/** The keycodes bound to each of the 8 real modifiers (Shift, Lock, Control, Mod1..Mod5). */
async function readModifierMap(x: XLibs, dpy: Display): Promise<number[][]> {
  const map = await x.nb.x11.XGetModifierMapping(dpy);
  if (!map) return Array.from({ length: 8 }, () => []);
  try {
    const view = new Deno.UnsafePointerView(map);
    const perModifier = view.getInt32(0);
    const codes = view.getPointer(8);
    const keycodes = codes ? new Deno.UnsafePointerView(codes) : null;
    return Array.from(
      { length: 8 },
      (_, m) =>
        Array.from({ length: perModifier }, (_, i) => keycodes?.getUint8(m * perModifier + i) ?? 0)
          .filter((k) => k !== 0),
    );
  } finally {
    x.x11.XFreeModifiermap(map);
  }
}

/**
 * Maps `keysym` onto `keycode`: its lower and upper case as two levels when it has both (Shift and Caps Lock
 * then work on it as on a letter key), else alone.
 */
export async function mapKeycode(x: XLibs, dpy: Display, keycode: number, keysym: number): Promise<void> {
  const lower = new BigUint64Array(1);
  const upper = new BigUint64Array(1);
  x.x11.XConvertCase(BigInt(keysym), new Uint8Array(lower.buffer), new Uint8Array(upper.buffer));
  const syms = lower[0] !== upper[0]
    ? new BigUint64Array([lower[0], upper[0]])
    : new BigUint64Array([BigInt(keysym)]);
  await x.nb.x11.XChangeKeyboardMapping(dpy, keycode, syms.length, new Uint8Array(syms.buffer), 1);
  await x.nb.x11.XSync(dpy, 0);
}
