// Pure planning of one key event against the X keymap: which keycode produces a keysym, and which modifiers
// (Shift, AltGr = ISO_Level3_Shift, ISO_Level5_Shift) must be pressed or released around it. The table comes
// from the server's XKB map (_xkb.ts reads it); nothing here touches X.
//
// Why: the browser sends what a key produced ("@", "/"); the X keymap decides what a keycode produces with
// which modifiers. A German "@" is AltGr+Q, a US one Shift+2: pressing the keycode alone types "q" or "2".

/** Real modifier masks the keymap binds each role to (0 when the keymap has no such modifier). */
export interface ModifierBits {
  shift: number;
  lock: number;
  numLock: number;
  level3: number;
  level5: number;
}

/** One way a key produces a keysym: keycode `keycode` with exactly the probed modifiers `mods` active. */
export interface KeyEntry {
  keycode: number;
  mods: number;
  keysym: number;
}

/** The keymap of one keyboard group, as read from the server. */
export interface KeymapData {
  /** The XKB group (layout index) the entries are for. */
  group: number;
  bits: ModifierBits;
  /** A keycode that sets each of `bits.shift`, `bits.level3`, `bits.level5` while held, if any. */
  modifierKeys: Map<number, number>;
  /** What every keycode produces under every combination of the bits (NoSymbol left out). */
  entries: KeyEntry[];
}

/** The modifier state a key event lands in. */
export interface ModifierState {
  /** Effective modifiers (XKB state `mods`). */
  mods: number;
  /** Modifiers latched or locked: releasing a key does not clear them. */
  sticky: number;
  /** Keys this connection holds, keycode -> modifier bits each one sets (0 for non-modifiers). */
  held: ReadonlyMap<number, number>;
}

/** How to type one keysym: release `release`, press `press`, then the key, then undo both. */
export interface KeyPlan {
  keycode: number;
  /** Modifier keycodes to press before the key (released after it). */
  press: number[];
  /** Held keycodes to release before the key (pressed again after it). */
  release: number[];
}

/** Keysyms of modifier and lock keys: pressed as they are, never planned around. */
const MODIFIER_KEYSYMS = new Set([
  ...Array.from({ length: 0xffee - 0xffe1 + 1 }, (_, i) => 0xffe1 + i), // Shift_L .. Hyper_R
  0xfe01, // ISO_Lock
  0xfe02, // ISO_Level2_Latch
  0xfe03, // ISO_Level3_Shift
  0xfe04, // ISO_Level3_Latch
  0xfe05, // ISO_Level3_Lock
  0xfe11, // ISO_Level5_Shift
  0xfe12, // ISO_Level5_Latch
  0xfe13, // ISO_Level5_Lock
  0xff7e, // Mode_switch
  0xff7f, // Num_Lock
]);

/** Whether `keysym` is a modifier or lock key (Shift, Control, Alt, AltGr, Super, Caps Lock...). */
export function isModifierKeysym(keysym: number): boolean {
  return MODIFIER_KEYSYMS.has(keysym);
}

/**
 * The form two keysyms of the same character share: Latin-1 as its code point, other characters as the
 * Unicode keysym 0x01000000 + code point (what the browser sends), everything else (function keys, keypad,
 * dead keys) as it is. `ucs` is Xlib's keysym -> Unicode table (0: no character).
 */
export function canonicalKeysym(keysym: number, ucs: (keysym: number) => number): number {
  if (keysym >= 0xfd00 && keysym <= 0xffff) return keysym; // function, keypad, modifier, dead keys
  const cp = keysym >= 0x01000000 ? keysym - 0x01000000 : ucs(keysym);
  if (!cp || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return keysym;
  return cp <= 0xff ? cp : 0x01000000 + cp;
}

/** Every subset of the bits in `mask`, 0 first. */
export function subsets(mask: number): number[] {
  const out = [0];
  for (let bit = 1; bit <= mask; bit <<= 1) {
    if (mask & bit) { for (const m of [...out]) out.push(m | bit); }
  }
  return out;
}

/** The single bits set in `mask`, lowest first. */
export function bitsOf(mask: number): number[] {
  const out: number[] = [];
  for (let bit = 1; bit <= mask; bit <<= 1) if (mask & bit) out.push(bit);
  return out;
}

/** A keymap indexed by character, planning key events against a modifier state. */
export class Keymap {
  readonly data: KeymapData;
  readonly #ucs: (keysym: number) => number;
  readonly #byKeysym = new Map<number, KeyEntry[]>();
  readonly #used = new Set<number>();

  constructor(data: KeymapData, ucs: (keysym: number) => number) {
    this.data = data;
    this.#ucs = ucs;
    for (const e of data.entries) {
      this.#used.add(e.keycode);
      const key = canonicalKeysym(e.keysym, ucs);
      const list = this.#byKeysym.get(key);
      if (list) list.push(e);
      else this.#byKeysym.set(key, [e]);
    }
  }

  /** The modifier bits a held key of `keysym` sets (0 for keys the planner does not press or release). */
  modifierBitsOf(keysym: number): number {
    const { shift, level3, level5 } = this.data.bits;
    if (keysym === 0xffe1 || keysym === 0xffe2) return shift;
    if (keysym === 0xfe03) return level3;
    if (keysym === 0xfe11) return level5;
    return 0;
  }

  /** Whether `keycode` produces `keysym` (or the same character) in some modifier state. */
  produces(keycode: number, keysym: number): boolean {
    return (this.#byKeysym.get(canonicalKeysym(keysym, this.#ucs)) ?? []).some((e) => e.keycode === keycode);
  }

  /** Whether `keycode` produces nothing at all: free to be remapped. */
  isEmpty(keycode: number): boolean {
    return !this.#used.has(keycode);
  }

  /** A keycode producing `keysym` with no probed modifier, else with any; for modifier keys. */
  anyKeycode(keysym: number): number | undefined {
    const list = this.#byKeysym.get(canonicalKeysym(keysym, this.#ucs)) ?? [];
    return (list.find((e) => e.mods === 0) ?? list[0])?.keycode;
  }

  /**
   * The cheapest way to type `keysym` from `state`: a keycode whose entry matches the locks (Caps Lock,
   * Num Lock) as they are and needs the fewest Shift / AltGr / Level5 changes, each change possible (a key
   * to press for an added modifier, only our own held keys to release for a removed one). Undefined when the
   * keymap cannot type it.
   */
  plan(keysym: number, state: ModifierState): KeyPlan | undefined {
    const { bits, modifierKeys } = this.data;
    const control = bits.shift | bits.level3 | bits.level5;
    const locks = bits.lock | bits.numLock;
    let ours = 0;
    for (const b of state.held.values()) ours |= b;
    const removable = ours & control & ~state.sticky;
    const current = state.mods & control;
    let best: { entry: KeyEntry; add: number; remove: number; cost: number } | undefined;
    for (const entry of this.#byKeysym.get(canonicalKeysym(keysym, this.#ucs)) ?? []) {
      if ((entry.mods & locks) !== (state.mods & locks)) continue;
      const want = entry.mods & control;
      const add = want & ~current;
      const remove = current & ~want;
      if (remove & ~removable) continue;
      if (bitsOf(add).some((b) => !modifierKeys.has(b))) continue;
      const cost = bitsOf(add).length + bitsOf(remove).length;
      if (!best || cost < best.cost || (cost === best.cost && entry.keycode < best.entry.keycode)) {
        best = { entry, add, remove, cost };
      }
    }
    if (!best) return undefined;
    const { entry, add, remove } = best;
    const press = bitsOf(add).map((b) => modifierKeys.get(b)!);
    const release = [...state.held].filter(([, b]) => b & remove).map(([keycode]) => keycode);
    return { keycode: entry.keycode, press, release };
  }
}
