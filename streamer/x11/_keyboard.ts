// Key injection through XTest that types the keysym the browser asked for, whatever the X keymap: each key is
// looked up in the server's XKB map (keycode AND the Shift / AltGr / Level5 state it needs, _keymap.ts), and
// the modifiers it needs are pressed (or our own held ones released) around that one key, then restored.
// Keysyms the keymap lacks get a spare keycode, remapped with both cases. The map is read again when the
// server says it changed (setxkbmap, our own remaps) or the group switched.
//
// Runs on the requests connection's queue (every call may wait on the server; nothing here flushes: the
// queue does, once idle).
import type { XLibs } from "./_lib.ts";
import { getLog } from "../../log.ts";
import type { Display } from "./_connection.ts";
import { isModifierKeysym, Keymap, type KeyPlan, type ModifierState } from "./_keymap.ts";
import { keysymToUnicode, mapKeycode, openXkb, readKeymap, readXkbState, takeKeymapChanges } from "./_xkb.ts";

const log = getLog("x11");
/** The largest valid keysym (X11 keysyms are 29-bit). */
const MAX_KEYSYM = 0x1fffffff;
/** How many spare keycodes are cycled through for keysyms the keymap lacks (evdev keymaps leave ~18 free). */
const MAX_SPARE = 16;
/**
 * A spare keycode is remapped only this long after its last event: an X client translates a keycode when it
 * handles the event, with the mapping it has then, so a keycode remapped too soon after its key was typed can
 * type the new keysym in its place (measured: 9 unmapped characters typed within 60 ms, the first came out as
 * the ninth). Only a burst of more than MAX_SPARE different unmapped characters waits.
 */
const REUSE_MS = 200;

/** Tracks pressed keys and plans each key against the keymap; one per X11 connection. */
export class Keyboard {
  readonly #x: XLibs;
  readonly #dpy: Display;
  readonly #ucs: (keysym: number) => number;
  /** keysym -> keycode it is held with (to release the same key). */
  readonly #pressed = new Map<number, number>();
  /** keysym -> spare keycode it is mapped to, least recently used first. */
  readonly #remapped = new Map<number, number>();
  /** keycode -> when its last fake event was sent. */
  readonly #lastEvent = new Map<number, number>();
  /** XKB's event base once opened; null without XKB; undefined before the first key. */
  #xkbBase: number | null | undefined;
  #keymap: Keymap | null = null;

  constructor(x: XLibs, dpy: Display) {
    this.#x = x;
    this.#dpy = dpy;
    this.#ucs = keysymToUnicode(x);
  }

  async down(keysym: number): Promise<void> {
    if (!validKeysym(keysym) || this.#pressed.has(keysym)) return;
    const keymap = await this.#current();
    if (!keymap) return;
    if (isModifierKeysym(keysym)) {
      const keycode = keymap.keymap.anyKeycode(keysym) ?? await this.#remap(keysym);
      if (keycode) await this.#hold(keysym, keycode);
      return;
    }
    let plan = keymap.keymap.plan(keysym, keymap.state);
    if (!plan && await this.#remap(keysym)) {
      const again = await this.#current();
      plan = again?.keymap.plan(keysym, again.state);
    }
    if (!plan) return;
    const spare = this.#remapped.get(keysym);
    if (spare === plan.keycode) { // most recently used last
      this.#remapped.delete(keysym);
      this.#remapped.set(keysym, spare);
    }
    if (!plan.press.length && !plan.release.length) return await this.#hold(keysym, plan.keycode);
    await this.#tap(plan);
  }

  async up(keysym: number): Promise<void> {
    const keycode = this.#pressed.get(keysym);
    if (keycode === undefined) return;
    this.#pressed.delete(keysym);
    await this.#fake(keycode, false);
  }

  /** Types each keysym: pressed and released, inside whatever modifiers it needs. */
  async type(keysyms: number[]): Promise<void> {
    for (const keysym of keysyms) {
      if (this.#pressed.has(keysym)) continue; // held by a key of the viewer's: typing it would release it
      await this.down(keysym);
      await this.up(keysym);
    }
  }

  async releaseAll(): Promise<void> {
    const held = [...this.#pressed.values()];
    this.#pressed.clear();
    for (const keycode of held) await this.#fake(keycode, false);
  }

  /** Holds a key that needs no modifier change (it repeats and combines like a real key). */
  async #hold(keysym: number, keycode: number): Promise<void> {
    this.#pressed.set(keysym, keycode);
    await this.#fake(keycode, true);
  }

  /** Types a key in a modifier state of its own, then puts the held modifiers back. */
  async #tap(plan: KeyPlan): Promise<void> {
    for (const k of plan.release) await this.#fake(k, false);
    for (const k of plan.press) await this.#fake(k, true);
    await this.#fake(plan.keycode, true);
    await this.#fake(plan.keycode, false);
    for (const k of plan.press.toReversed()) await this.#fake(k, false);
    for (const k of plan.release) await this.#fake(k, true);
  }

  async #fake(keycode: number, down: boolean): Promise<void> {
    this.#lastEvent.set(keycode, performance.now());
    await this.#x.nb.xtst.XTestFakeKeyEvent(this.#dpy, keycode, down ? 1 : 0, 0n);
  }

  /** The keymap as it is now and the state a key lands in; null when the server has no XKB. */
  async #current(): Promise<{ keymap: Keymap; state: ModifierState } | null> {
    if (this.#xkbBase === undefined) {
      this.#xkbBase = await openXkb(this.#x, this.#dpy);
      if (this.#xkbBase === null) log.error("the X server has no XKB extension: keys cannot be typed");
    }
    if (this.#xkbBase === null) return null;
    const xkb = await readXkbState(this.#x, this.#dpy); // a round trip: reads the keymap events sent before
    const changed = takeKeymapChanges(this.#x, this.#dpy, this.#xkbBase);
    if (changed || this.#keymap?.data.group !== xkb.group) {
      this.#keymap = new Keymap(await readKeymap(this.#x, this.#dpy, xkb.group), this.#ucs);
      this.#forgetLostRemaps(this.#keymap);
    }
    const keymap = this.#keymap;
    const held = new Map<number, number>();
    for (const [keysym, keycode] of this.#pressed) held.set(keycode, keymap.modifierBitsOf(keysym));
    return { keymap, state: { mods: xkb.mods, sticky: xkb.sticky, held } };
  }

  /** After the keymap was replaced (setxkbmap), spare keycodes no longer carry what we mapped there. */
  #forgetLostRemaps(keymap: Keymap): void {
    for (const [keysym, keycode] of this.#remapped) {
      if (!keymap.produces(keycode, keysym)) this.#remapped.delete(keysym);
    }
  }

  /** Maps `keysym` onto a spare keycode (the least recently used one not held down); 0 when none is free. */
  async #remap(keysym: number): Promise<number> {
    const keymap = this.#keymap;
    if (!keymap) return 0;
    const known = this.#remapped.get(keysym);
    if (known !== undefined) return known;
    const ours = new Set(this.#remapped.values());
    const spare: number[] = [];
    for (let keycode = 255; keycode > 8 && spare.length < MAX_SPARE; keycode--) {
      if (ours.has(keycode) || keymap.isEmpty(keycode)) spare.push(keycode);
    }
    let keycode = spare.find((k) => !ours.has(k));
    if (keycode === undefined) {
      const held = new Set(this.#pressed.values());
      const oldest = [...this.#remapped].find(([, k]) => !held.has(k) && spare.includes(k));
      if (!oldest) return 0;
      this.#remapped.delete(oldest[0]);
      keycode = oldest[1];
      const wait = (this.#lastEvent.get(keycode) ?? 0) + REUSE_MS - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    await mapKeycode(this.#x, this.#dpy, keycode, keysym);
    this.#remapped.set(keysym, keycode);
    return keycode;
  }
}

function validKeysym(keysym: number): boolean {
  return Number.isInteger(keysym) && keysym > 0 && keysym <= MAX_KEYSYM;
}
