// Key injection through XTest, with spare keycodes remapped for keysyms the keymap lacks. Runs on the requests
// connection's queue (every call may wait on the server; nothing here flushes: the queue does, once idle).
import type { XLibs } from "./_lib.ts";

type Display = NonNullable<Deno.PointerValue>;

/** The largest valid keysym (X11 keysyms are 29-bit). */
const MAX_KEYSYM = 0x1fffffff;
/** How many spare keycodes are cycled through for unmapped keysyms. */
const MAX_SPARE = 8;

/** Tracks pressed keys and remaps spare keycodes; one per X11 connection. */
export class Keyboard {
  readonly #x: XLibs;
  readonly #dpy: Display;
  /** keysym -> keycode it was pressed with (to release the same key). */
  readonly #pressed = new Map<number, number>();
  /** keysym -> spare keycode it is mapped to, oldest first. */
  readonly #remapped = new Map<number, number>();
  #spare: number[] | null = null;

  constructor(x: XLibs, dpy: Display) {
    this.#x = x;
    this.#dpy = dpy;
  }

  async down(keysym: number): Promise<void> {
    if (!validKeysym(keysym) || this.#pressed.has(keysym)) return;
    const keycode = await this.#keycodeFor(keysym);
    if (keycode === 0) return;
    this.#pressed.set(keysym, keycode);
    await this.#x.nb.xtst.XTestFakeKeyEvent(this.#dpy, keycode, 1, 0n);
  }

  async up(keysym: number): Promise<void> {
    const keycode = this.#pressed.get(keysym);
    if (keycode === undefined) return;
    this.#pressed.delete(keysym);
    await this.#x.nb.xtst.XTestFakeKeyEvent(this.#dpy, keycode, 0, 0n);
  }

  async releaseAll(): Promise<void> {
    const held = [...this.#pressed.values()];
    this.#pressed.clear();
    for (const keycode of held) await this.#x.nb.xtst.XTestFakeKeyEvent(this.#dpy, keycode, 0, 0n);
  }

  async #keycodeFor(keysym: number): Promise<number> {
    const mapped = this.#remapped.get(keysym);
    if (mapped !== undefined) return mapped;
    const keycode = await this.#x.nb.x11.XKeysymToKeycode(this.#dpy, BigInt(keysym));
    if (keycode !== 0) return keycode;
    return await this.#remap(keysym);
  }

  /** Maps `keysym` onto a spare keycode (reusing the oldest one not held down). */
  async #remap(keysym: number): Promise<number> {
    this.#spare ??= await this.#findSpare();
    const held = new Set(this.#pressed.values());
    let keycode = this.#spare.find((k) => ![...this.#remapped.values()].includes(k));
    if (keycode === undefined) {
      const oldest = [...this.#remapped].find(([, k]) => !held.has(k));
      if (!oldest) return 0;
      this.#remapped.delete(oldest[0]);
      keycode = oldest[1];
    }
    // Two columns (unshifted, shifted) carrying the same keysym, as xdotool does.
    const syms = new BigUint64Array([BigInt(keysym), BigInt(keysym)]);
    await this.#x.nb.x11.XChangeKeyboardMapping(this.#dpy, keycode, 2, new Uint8Array(syms.buffer), 1);
    await this.#x.nb.x11.XSync(this.#dpy, 0);
    this.#remapped.set(keysym, keycode);
    return keycode;
  }

  /** Keycodes with no keysym at all, from the top of the range. */
  async #findSpare(): Promise<number[]> {
    const min = new Int32Array(1);
    const max = new Int32Array(1);
    // Local: the range is in the Display structure.
    this.#x.x11.XDisplayKeycodes(this.#dpy, new Uint8Array(min.buffer), new Uint8Array(max.buffer));
    const count = max[0] - min[0] + 1;
    const per = new Int32Array(1);
    const map = await this.#x.nb.x11.XGetKeyboardMapping(
      this.#dpy,
      min[0],
      count,
      new Uint8Array(per.buffer),
    );
    if (!map) return [];
    const view = new Deno.UnsafePointerView(map);
    const spare: number[] = [];
    for (let i = count - 1; i >= 0 && spare.length < MAX_SPARE; i--) {
      let empty = true;
      for (let j = 0; j < per[0] && empty; j++) empty = view.getBigUint64((i * per[0] + j) * 8) === 0n;
      if (empty) spare.push(min[0] + i);
    }
    this.#x.x11.XFree(map);
    return spare;
  }
}

function validKeysym(keysym: number): boolean {
  return Number.isInteger(keysym) && keysym > 0 && keysym <= MAX_KEYSYM;
}
