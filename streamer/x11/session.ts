/**
 * One X11 connection for input injection (XTest), screen resizing (RANDR), cursor images and clipboard
 * change notification (XFixes), and screen damage (XDamage). Events are drained by polling `XPending` on a
 * short JS timer: Deno FFI cannot wait on the X socket without blocking the event loop or calling Xlib
 * from another thread (Xlib is not thread-safe here). Cursor/clipboard events are rare (30 ms poll);
 * damage wakes an idle encoder, so with a damage listener the poll runs every 8 ms (~0.3% of a core).
 *
 * @module
 */
import { cstr, eventBase, type XLibs, xlibs } from "./_lib.ts";
import { Keyboard } from "./_keyboard.ts";
import { fitSize, rootSize, setSize, type Size } from "./_randr.ts";
import { Clipboard } from "./_clipboard.ts";
import { CursorCache, type CursorImage, readCursor } from "./_cursor.ts";
import { DamageWatch } from "./_damage.ts";
import { EventPump } from "./_events.ts";
import { getLog } from "../../log.ts";

export type { CursorImage } from "./_cursor.ts";
export type { Size } from "./_randr.ts";

/** Mouse buttons `button()` accepts: left, middle, right, back, forward (4-7 are the wheel). */
const BUTTONS = new Set([1, 2, 3, 8, 9]);
/** The most wheel clicks one `wheel()` call sends per axis. */
const MAX_WHEEL_STEPS = 10;
const POLL_MS = 30;
/** Poll period with a damage listener: at most 8 ms (half a 60 fps frame) before an idle encoder wakes. */
const DAMAGE_POLL_MS = 8;

/**
 * The X display cannot be opened (not running, or the cookie does not match).
 *
 * @example
 * ```ts
 * import { X11Error } from "./session.ts";
 * throw new X11Error("cannot open X display :5: is Xvfb running, and is XAUTHORITY its cookie?");
 * ```
 */
export class X11Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = "X11Error";
  }
}

/**
 * Opens `display` with the cookie in `xauthority` and returns the session's input/screen handle.
 *
 * @example
 * ```ts ignore
 * import { openX11 } from "./session.ts";
 * const x = openX11(":5", "/run/user/1000/selkies/Xauthority");
 * x.moveTo(100, 100);
 * x.button(1, true);
 * x.button(1, false);
 * x.close();
 * ```
 */
export function openX11(display: string, xauthority: string): X11Session {
  return new X11Session(display, xauthority);
}

/** An open X11 connection; see {@linkcode openX11}. */
export class X11Session {
  readonly #x: XLibs;
  readonly #dpy: NonNullable<Deno.PointerValue>;
  readonly #root: bigint;
  readonly #keyboard: Keyboard;
  readonly #clipboard: Clipboard;
  readonly #cursors = new CursorCache();
  readonly #fixesBase: number;
  readonly #clipboardAtom: bigint;
  readonly #buttons = new Set<number>();
  readonly #cursorListeners: ((cursor: CursorImage) => void)[] = [];
  readonly #clipboardListeners: ((text: string) => void)[] = [];
  readonly #damageListeners: (() => void)[] = [];
  #damage: DamageWatch | null = null;
  #size: Size;
  #events: EventPump;
  #closed = false;

  constructor(display: string, xauthority: string) {
    this.#x = xlibs();
    // Xlib reads XAUTHORITY when connecting; set it just for this call.
    const previous = Deno.env.get("XAUTHORITY");
    Deno.env.set("XAUTHORITY", xauthority);
    const dpy = this.#x.x11.XOpenDisplay(cstr(display));
    if (previous === undefined) Deno.env.delete("XAUTHORITY");
    else Deno.env.set("XAUTHORITY", previous);
    if (!dpy) {
      throw new X11Error(
        `cannot open X display ${display}: is Xvfb running, and is ${xauthority} its cookie?`,
      );
    }
    this.#dpy = dpy;
    this.#root = this.#x.x11.XDefaultRootWindow(dpy);
    const fixesBase = eventBase(this.#x.xfixes.XFixesQueryExtension, dpy);
    if (fixesBase === null) {
      this.#x.x11.XCloseDisplay(dpy);
      throw new X11Error(`X display ${display} lacks the XFIXES extension`);
    }
    this.#fixesBase = fixesBase;
    this.#clipboardAtom = this.#x.x11.XInternAtom(dpy, cstr("CLIPBOARD"), 0);
    this.#keyboard = new Keyboard(this.#x, dpy);
    this.#clipboard = new Clipboard({ DISPLAY: display, XAUTHORITY: xauthority });
    this.#size = rootSize(this.#x, dpy, this.#root);
    this.#events = new EventPump(this.#x, dpy, POLL_MS);
    this.#events.watch((type) => type === this.#fixesBase + 1, () => {
      if (this.#cursorListeners.length) this.#emitCursor(this.#cursorListeners);
    });
    // XFixesSelectionNotifyEvent: owner at 48, selection at 56; owner None means cleared.
    this.#events.watch(
      (type, e) =>
        type === this.#fixesBase && e.getBigUint64(56, true) === this.#clipboardAtom &&
        e.getBigUint64(48, true) !== 0n,
      () => this.#clipboard.changed((text) => this.#clipboardListeners.forEach((cb) => cb(text))),
    );
  }

  /**
   * Presses the key of `keysym` (X11 keysym number); keysyms without a key get a spare keycode.
   *
   * @example
   * ```ts ignore
   * x.keyDown(0x61); // "a"
   * x.keyUp(0x61);
   * ```
   */
  keyDown(keysym: number): void {
    if (!this.#closed) this.#keyboard.down(keysym);
  }

  /** Releases a key pressed with {@linkcode X11Session.keyDown}; others are ignored. @example ```ts ignore
   * x.keyUp(0xff0d); // Return
   * ``` */
  keyUp(keysym: number): void {
    if (!this.#closed) this.#keyboard.up(keysym);
  }

  /** Releases every key and button still held (a viewer left or lost focus). @example ```ts ignore
   * x.releaseAll();
   * ``` */
  releaseAll(): void {
    if (this.#closed) return;
    this.#keyboard.releaseAll();
    for (const b of this.#buttons) this.#x.xtst.XTestFakeButtonEvent(this.#dpy, b, 0, 0n);
    this.#buttons.clear();
    this.#x.x11.XFlush(this.#dpy);
  }

  /** Moves the pointer to (x, y), clamped to the screen. @example ```ts ignore
   * x.moveTo(640, 360);
   * ``` */
  moveTo(x: number, y: number): void {
    if (this.#closed || !Number.isFinite(x) || !Number.isFinite(y)) return;
    const cx = Math.max(0, Math.min(this.#size.width - 1, Math.round(x)));
    const cy = Math.max(0, Math.min(this.#size.height - 1, Math.round(y)));
    this.#x.xtst.XTestFakeMotionEvent(this.#dpy, -1, cx, cy, 0n);
    this.#x.x11.XFlush(this.#dpy);
  }

  /** Moves the pointer by (dx, dy) (pointer-lock mode). @example ```ts ignore
   * x.moveBy(5, -3);
   * ``` */
  moveBy(dx: number, dy: number): void {
    if (this.#closed || !Number.isFinite(dx) || !Number.isFinite(dy)) return;
    const limit = (v: number) => Math.max(-10000, Math.min(10000, Math.round(v)));
    this.#x.xtst.XTestFakeRelativeMotionEvent(this.#dpy, limit(dx), limit(dy), 0n);
    this.#x.x11.XFlush(this.#dpy);
  }

  /** Presses or releases mouse button 1, 2, 3, 8 or 9; other numbers are ignored. @example ```ts ignore
   * x.button(1, true);
   * ``` */
  button(b: number, down: boolean): void {
    if (this.#closed || !BUTTONS.has(b) || this.#buttons.has(b) === down) return;
    if (down) this.#buttons.add(b);
    else this.#buttons.delete(b);
    this.#x.xtst.XTestFakeButtonEvent(this.#dpy, b, down ? 1 : 0, 0n);
    this.#x.x11.XFlush(this.#dpy);
  }

  /** Scrolls by wheel clicks: dy > 0 down, dx > 0 right (buttons 5/4, 7/6). @example ```ts ignore
   * x.wheel(0, 3);
   * ``` */
  wheel(dx: number, dy: number): void {
    if (this.#closed) return;
    const clicks = (v: number, negative: number, positive: number) => {
      if (!Number.isFinite(v)) return;
      const b = v < 0 ? negative : positive;
      for (let i = 0; i < Math.min(MAX_WHEEL_STEPS, Math.abs(Math.round(v))); i++) {
        this.#x.xtst.XTestFakeButtonEvent(this.#dpy, b, 1, 0n);
        this.#x.xtst.XTestFakeButtonEvent(this.#dpy, b, 0, 0n);
      }
    };
    clicks(dy, 4, 5);
    clicks(dx, 6, 7);
    this.#x.x11.XFlush(this.#dpy);
  }

  /** The current screen size (asks the server). @example ```ts ignore
   * const { width, height } = x.screenSize();
   * ``` */
  screenSize(): Size {
    if (!this.#closed) this.#size = rootSize(this.#x, this.#dpy, this.#root);
    return { ...this.#size };
  }

  /**
   * Resizes the screen (even sizes, clamped to the framebuffer); returns the size reached.
   *
   * @example
   * ```ts ignore
   * x.resize(1280, 720); // { width: 1280, height: 720 }
   * ```
   */
  resize(width: number, height: number): Size {
    if (this.#closed) throw new X11Error("X11 session is closed");
    if (!Number.isFinite(width) || !Number.isFinite(height)) return this.screenSize();
    const size = fitSize(this.#x, this.#dpy, this.#root, width, height);
    this.#size = setSize(this.#x, this.#dpy, this.#root, size);
    return { ...this.#size };
  }

  /**
   * Calls `cb` with the cursor image now and whenever the cursor changes.
   *
   * @example
   * ```ts ignore
   * x.onCursor((c) => console.log(c.width, c.height, c.png.length));
   * ```
   */
  onCursor(cb: (cursor: CursorImage) => void): void {
    if (this.#cursorListeners.push(cb) === 1) {
      this.#x.xfixes.XFixesSelectCursorInput(this.#dpy, this.#root, 1n); // DisplayCursorNotifyMask
      this.#x.x11.XFlush(this.#dpy);
    }
    this.#emitCursor([cb]);
  }

  /** Takes the CLIPBOARD with `text`. @example ```ts ignore
   * await x.setClipboard("hello");
   * ``` */
  setClipboard(text: string): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return this.#clipboard.set(String(text));
  }

  /** Calls `cb` with the CLIPBOARD text whenever another client takes it. @example ```ts ignore
   * x.onClipboard((text) => console.log(text));
   * ``` */
  onClipboard(cb: (text: string) => void): void {
    if (this.#clipboardListeners.push(cb) === 1) {
      this.#x.xfixes.XFixesSelectSelectionInput(this.#dpy, this.#root, this.#clipboardAtom, 1n); // SetOwner
      this.#x.x11.XFlush(this.#dpy);
    }
  }

  /**
   * Calls `cb` (at most once per poll, ~8 ms) whenever anything was drawn on the screen since the last
   * call. Pointer motion is no damage (the cursor is not in the framebuffer).
   *
   * @throws {X11Error} when the display lacks the DAMAGE extension.
   * @example
   * ```ts ignore
   * x.onDamage(() => media.setActive(true));
   * ```
   */
  onDamage(cb: () => void): void {
    if (this.#closed) return;
    if (!this.#damage) {
      const fired = () => this.#damageListeners.forEach((listener) => listener());
      this.#damage = DamageWatch.watch(this.#x, this.#dpy, this.#root, this.#events, fired);
      if (!this.#damage) throw new X11Error("the X display lacks the DAMAGE extension");
      this.#events.setPeriod(DAMAGE_POLL_MS);
    }
    this.#damageListeners.push(cb);
  }

  /** Releases held input, ends clipboard children and closes the connection. @example ```ts ignore
   * await x.close();
   * ``` */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.releaseAll();
    this.#closed = true;
    this.#events.stop();
    this.#damage?.destroy();
    await this.#clipboard.close();
    this.#x.x11.XCloseDisplay(this.#dpy);
  }

  #emitCursor(listeners: ((cursor: CursorImage) => void)[]): void {
    const raw = readCursor(this.#x, this.#dpy);
    if (!raw) return;
    this.#cursors.encode(raw).then((cursor) => {
      if (!this.#closed) { for (const cb of listeners) cb(cursor); }
    }).catch((error) => getLog("x11").warn("cursor encoding failed: {error}", { error: String(error) }));
  }
}
