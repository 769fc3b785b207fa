/**
 * The session's X11 side: input injection (XTest), screen resizing (RANDR), cursor images and clipboard
 * change notification (XFixes), and screen damage (XDamage), over two connections to the display:
 *
 * - events: cursor, clipboard and damage events, drained by polling `XPending` on a JS timer (30 ms; 8 ms
 *   with a damage listener, ~0.3% of a core) on the main thread. Nothing on it waits on the server.
 * - requests: everything that may wait on the server (input, round trips, resizes, cursor images) runs on
 *   Deno's blocking pool through one serial queue with deadlines. While another client holds a server grab
 *   (a GStreamer 1.22 ximagesrc hung inside XGrabServer, for one), the main thread, the HTTP server and the
 *   signal handlers stay live, the stall is reported through {@linkcode X11Session.onStall} (the session
 *   ends its media workers, which ends their grab), and input is dropped instead of piling up.
 *
 * A broken connection (the X server died) is reported through {@linkcode X11Session.onLost} instead of
 * Xlib's default, which exits the process and skips the session's cleanup.
 *
 * @module
 */
import { cstr, eventBase, type XLibs, xlibs } from "./_lib.ts";
import { closeDisplay, type Display, openDisplay } from "./_connection.ts";
import { fitSize, rootSize, setSize, type Size } from "./_randr.ts";
import { Clipboard, type ClipboardImage } from "./_clipboard.ts";
import { type CursorImage, readCursor } from "./_cursor.ts";
import { Input } from "./_input.ts";
import { RequestQueue } from "./_requests.ts";
import { DesktopWatch } from "./_watch.ts";
import { X11Error } from "./errors.ts";
import { getLog } from "../../log.ts";

export type { CursorImage } from "./_cursor.ts";
export type { ClipboardImage } from "./_clipboard.ts";
export type { Size } from "./_randr.ts";
export { X11Error, X11TimeoutError } from "./errors.ts";

const log = getLog("x11");
/** A request unanswered this long means another client holds the server: {@linkcode X11Session.onStall}. */
const STALL_MS = 3000;
/** Callers of round trips (resize, screen size) give up after this long. */
const TIMEOUT_MS = 10_000;
/** Input events that may wait for the requests connection; later ones are dropped. */
const MAX_QUEUED = 256;
/** An idle session asks the server this often whether it answers (one XSync, ~50 us). */
const KEEPALIVE_MS = 5000;
/** Longest wait for XCloseDisplay. */
const CLOSE_MS = 1000;

/**
 * Opens `display` with the cookie in `xauthority` and returns the session's input/screen handle.
 *
 * @throws {X11Error} when the display cannot be opened or lacks the XFIXES extension.
 * @example
 * ```ts
 * import { openX11 } from "./session.ts";
 * const x = openX11(":5", "/run/user/1000/selkies/Xauthority");
 * x.moveTo(100, 100);
 * x.button(1, true);
 * x.button(1, false);
 * await x.close();
 * ```
 */
export function openX11(display: string, xauthority: string): X11Session {
  return new X11Session(display, xauthority);
}

/** An open X11 session; see {@linkcode openX11}. */
export class X11Session {
  readonly #x: XLibs;
  readonly #events: Display;
  readonly #requests: Display;
  readonly #root: bigint;
  readonly #queue: RequestQueue;
  readonly #input: Input;
  readonly #clipboard: Clipboard;
  readonly #watch: DesktopWatch;
  readonly #stallListeners: ((what: string) => void)[] = [];
  readonly #lostListeners: (() => void)[] = [];
  #size: Size;
  #closed = false;
  #lost = false;

  constructor(display: string, xauthority: string) {
    const x = this.#x = xlibs();
    const lost = () => this.#lose();
    this.#events = openDisplay(x, display, xauthority, lost);
    const fixesBase = eventBase(x.xfixes.XFixesQueryExtension, this.#events);
    if (fixesBase === null) {
      x.x11.XCloseDisplay(this.#events);
      throw new X11Error(`X display ${display} lacks the XFIXES extension`);
    }
    try {
      this.#requests = openDisplay(x, display, xauthority, lost);
    } catch (error) {
      x.x11.XCloseDisplay(this.#events);
      throw error;
    }
    this.#root = x.x11.XDefaultRootWindow(this.#events);
    const screen = x.x11.XDefaultScreen(this.#events); // its size came with the connection setup
    this.#size = {
      width: x.x11.XDisplayWidth(this.#events, screen),
      height: x.x11.XDisplayHeight(this.#events, screen),
    };
    this.#clipboard = new Clipboard({ DISPLAY: display, XAUTHORITY: xauthority });
    this.#queue = new RequestQueue({
      stallMs: STALL_MS,
      timeoutMs: TIMEOUT_MS,
      maxQueued: MAX_QUEUED,
      keepaliveMs: KEEPALIVE_MS,
      ping: () => x.nb.x11.XSync(this.#requests, 0),
      onStall: (what) => {
        log.warn("the X server has not answered {what} for {seconds} s", { what, seconds: STALL_MS / 1000 });
        for (const cb of this.#stallListeners) cb(what);
      },
    });
    this.#input = new Input(x, this.#requests, this.#queue, () => this.#size);
    this.#watch = new DesktopWatch({
      x,
      events: this.#events,
      root: this.#root,
      fixesBase,
      clipboardAtom: x.x11.XInternAtom(this.#events, cstr("CLIPBOARD"), 0),
      clipboard: this.#clipboard,
      readCursor: () => this.#queue.run("a cursor image", () => readCursor(x, this.#requests)),
      closed: () => this.#closed,
    });
  }

  /** Presses the key of `keysym` (X11 keysym number); keysyms without a key get a spare keycode. */
  keyDown(keysym: number): void {
    if (!this.#closed) this.#input.keyDown(keysym);
  }

  /** Releases a key pressed with {@linkcode X11Session.keyDown}; others are ignored. */
  keyUp(keysym: number): void {
    if (!this.#closed) this.#input.keyUp(keysym);
  }

  /**
   * Types committed text (an IME composition, a phone keyboard's word), one character after the other, with
   * whatever keys and modifiers the X keymap needs; characters it lacks get spare keycodes.
   */
  typeText(text: string): void {
    if (!this.#closed) this.#input.typeText(String(text));
  }

  /** Releases every key and button still held (a viewer left or lost focus). */
  releaseAll(): void {
    if (!this.#closed) this.#input.releaseAll();
  }

  /** Moves the pointer to (x, y), clamped to the screen. */
  moveTo(x: number, y: number): void {
    if (!this.#closed) this.#input.moveTo(x, y);
  }

  /** Moves the pointer by (dx, dy) (pointer-lock mode). */
  moveBy(dx: number, dy: number): void {
    if (!this.#closed) this.#input.moveBy(dx, dy);
  }

  /** Presses or releases mouse button 1, 2, 3, 8 or 9; other numbers are ignored. */
  button(b: number, down: boolean): void {
    if (!this.#closed) this.#input.button(b, down);
  }

  /** Scrolls by wheel clicks: dy > 0 down, dx > 0 right (buttons 5/4, 7/6). */
  wheel(dx: number, dy: number): void {
    if (!this.#closed) this.#input.wheel(dx, dy);
  }

  /**
   * Resolves once the server has processed everything sent so far (input included).
   *
   * @example
   * ```ts
   * declare const x: X11Session;
   * x.keyDown(0x61);
   * await x.sync();
   * ```
   */
  async sync(): Promise<void> {
    if (!this.#closed) await this.#queue.run("a sync", () => this.#x.nb.x11.XSync(this.#requests, 0));
  }

  /**
   * The current screen size (asks the server).
   *
   * @throws {X11TimeoutError} when the server does not answer.
   * @example
   * ```ts
   * declare const x: X11Session;
   * const { width, height } = await x.screenSize();
   * ```
   */
  async screenSize(): Promise<Size> {
    const query = () => rootSize(this.#x, this.#requests, this.#root);
    if (!this.#closed) this.#size = await this.#queue.run("a screen size query", query);
    return { ...this.#size };
  }

  /**
   * Resizes the screen (even sizes, clamped to the framebuffer); resolves to the size reached.
   *
   * @throws {X11TimeoutError} when the server does not answer (another client holds a grab).
   * @example
   * ```ts
   * declare const x: X11Session;
   * await x.resize(1280, 720); // { width: 1280, height: 720 }
   * ```
   */
  async resize(width: number, height: number): Promise<Size> {
    if (this.#closed) throw new X11Error("X11 session is closed");
    if (!Number.isFinite(width) || !Number.isFinite(height)) return await this.screenSize();
    this.#size = await this.#queue.run(`a resize to ${width}x${height}`, async () => {
      const size = await fitSize(this.#x, this.#requests, this.#root, width, height);
      return await setSize(this.#x, this.#requests, this.#root, size);
    });
    return { ...this.#size };
  }

  /**
   * Calls `cb` with the cursor image now and whenever the cursor changes.
   *
   * @example
   * ```ts
   * declare const x: X11Session;
   * x.onCursor((c) => console.log(c.width, c.height, c.png.length));
   * ```
   */
  onCursor(cb: (cursor: CursorImage) => void): void {
    this.#watch.onCursor(cb);
  }

  /**
   * Takes the CLIPBOARD with `text`.
   *
   * @example
   * ```ts
   * declare const x: X11Session;
   * await x.setClipboard("hello");
   * ```
   */
  setClipboard(text: string): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return this.#clipboard.set(String(text));
  }

  /**
   * Takes the CLIPBOARD with a PNG image (target `image/png`).
   *
   * @throws {RangeError} when it is not a PNG or over the size limit (protocol/clipboard_image.ts).
   * @example
   * ```ts
   * declare const x: X11Session, png: Uint8Array;
   * await x.setClipboardImage(png);
   * ```
   */
  setClipboardImage(png: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return this.#clipboard.setImage(png);
  }

  /**
   * Calls `cb` with the CLIPBOARD image whenever another client takes it offering `image/png` and no text
   * (or why the image is not carried: too large).
   *
   * @example
   * ```ts
   * declare const x: X11Session;
   * x.onClipboardImage((image) => console.log("png" in image ? image.png.byteLength : image.refused));
   * ```
   */
  onClipboardImage(cb: (image: ClipboardImage) => void): void {
    this.#watch.onClipboardImage(cb);
  }

  /**
   * Calls `cb` with the CLIPBOARD text whenever another client takes it.
   *
   * @example
   * ```ts
   * declare const x: X11Session;
   * x.onClipboard((text) => console.log(text));
   * ```
   */
  onClipboard(cb: (text: string) => void): void {
    this.#watch.onClipboard(cb);
  }

  /**
   * Calls `cb` (at most once per poll, ~8 ms) whenever anything was drawn on the screen since the last
   * call. Pointer motion is no damage (the cursor is not in the framebuffer).
   *
   * @throws {X11Error} when the display lacks the DAMAGE extension.
   * @example
   * ```ts
   * import type { MediaSession } from "../media/session.ts";
   * declare const x: X11Session, media: MediaSession;
   * x.onDamage(() => media.setActive(true));
   * ```
   */
  onDamage(cb: () => void): void {
    if (!this.#closed) this.#watch.onDamage(cb);
  }

  /**
   * Calls `cb` with what was asked when the X server has not answered a request for 3 s: another client
   * holds a server grab. A session ends its own X clients (media workers) then, which releases the grab.
   *
   * @example
   * ```ts
   * import type { MediaSession } from "../media/session.ts";
   * declare const x: X11Session, media: MediaSession;
   * x.onStall(() => media.killAll("an X request timed out"));
   * ```
   */
  onStall(cb: (what: string) => void): void {
    this.#stallListeners.push(cb);
  }

  /**
   * Calls `cb` once when the connection to the X server breaks (the server died).
   *
   * @example
   * ```ts
   * declare const x: X11Session;
   * const died = Promise.withResolvers<string>();
   * x.onLost(() => died.resolve("the X server is gone"));
   * ```
   */
  onLost(cb: () => void): void {
    if (this.#lost) queueMicrotask(cb);
    else this.#lostListeners.push(cb);
  }

  /**
   * Releases held input, ends clipboard children and closes both connections (at most ~1 s each).
   *
   * @example
   * ```ts
   * declare const x: X11Session;
   * await x.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.releaseAll();
    this.#closed = true;
    const watchStopped = this.#watch.stop(!this.#lost);
    this.#queue.stop();
    await this.#clipboard.close();
    // After the queued input; a queue stuck behind a held server leaves that connection open.
    const requests = this.#queue.run("closing", () => closeDisplay(this.#x, this.#requests, CLOSE_MS))
      .catch(() => false);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise((resolve) => timer = setTimeout(resolve, 2 * CLOSE_MS));
    const events = watchStopped.then(() => closeDisplay(this.#x, this.#events, CLOSE_MS));
    await Promise.all([events, Promise.race([requests, late])]);
    clearTimeout(timer);
  }

  #lose(): void {
    if (this.#lost) return;
    this.#lost = true;
    log.error("the connection to the X server is lost");
    void this.#watch.stop(false);
    this.#queue.lose("the connection to the X server is lost");
    for (const cb of this.#lostListeners.splice(0)) cb();
  }
}
