// What the session hears from the desktop over the events connection: cursor changes, clipboard owner changes
// and screen damage. Cursor images themselves are round trips, read through the requests queue.
import type { XLibs } from "./_lib.ts";
import type { Display } from "./_connection.ts";
import type { Clipboard, ClipboardImage } from "./_clipboard.ts";
import { CursorCache, type CursorImage, type RawCursor } from "./_cursor.ts";
import { DamageWatch } from "./_damage.ts";
import { EventPump } from "./_events.ts";
import { X11Error } from "./errors.ts";
import { getLog } from "../../log.ts";

/** Where the desktop's events come from and how a cursor image is read. */
export interface WatchSource {
  x: XLibs;
  events: Display;
  root: bigint;
  /** The first XFIXES event number. */
  fixesBase: number;
  clipboardAtom: bigint;
  clipboard: Clipboard;
  readCursor: () => Promise<RawCursor | null>;
  /** Whether the session is closed (late cursor images are dropped). */
  closed: () => boolean;
}

/** Cursor, clipboard and damage listeners of one session. */
export class DesktopWatch {
  readonly #s: WatchSource;
  readonly #pump: EventPump;
  readonly #cursors = new CursorCache();
  readonly #cursorListeners: ((cursor: CursorImage) => void)[] = [];
  readonly #clipboardListeners: ((text: string) => void)[] = [];
  readonly #imageListeners: ((image: ClipboardImage) => void)[] = [];
  readonly #damageListeners: (() => void)[] = [];
  #damage: DamageWatch | null = null;

  constructor(source: WatchSource) {
    const s = this.#s = source;
    this.#pump = new EventPump(s.x, s.events);
    this.#pump.watch((type) => type === s.fixesBase + 1, () => {
      if (this.#cursorListeners.length) this.#emitCursor(this.#cursorListeners);
    });
    // XFixesSelectionNotifyEvent: owner at 48, selection at 56; owner None means cleared.
    this.#pump.watch(
      (type, e) =>
        type === s.fixesBase && e.getBigUint64(56, true) === s.clipboardAtom &&
        e.getBigUint64(48, true) !== 0n,
      () =>
        s.clipboard.changed({
          text: (text) => this.#clipboardListeners.forEach((cb) => cb(text)),
          // Images are read only when someone listens for them (one more xclip child per change).
          image: this.#imageListeners.length
            ? (image) => this.#imageListeners.forEach((cb) => cb(image))
            : undefined,
        }),
    );
  }

  onCursor(cb: (cursor: CursorImage) => void): void {
    if (this.#cursorListeners.push(cb) === 1) {
      this.#s.x.xfixes.XFixesSelectCursorInput(this.#s.events, this.#s.root, 1n); // DisplayCursorNotifyMask
      this.#s.x.x11.XFlush(this.#s.events);
    }
    this.#emitCursor([cb]);
  }

  onClipboard(cb: (text: string) => void): void {
    this.#clipboardListeners.push(cb);
    this.#selectClipboard();
  }

  onClipboardImage(cb: (image: ClipboardImage) => void): void {
    this.#imageListeners.push(cb);
    this.#selectClipboard();
  }

  #selectClipboard(): void {
    if (this.#clipboardListeners.length + this.#imageListeners.length !== 1) return;
    const { x, events, root, clipboardAtom } = this.#s;
    x.xfixes.XFixesSelectSelectionInput(events, root, clipboardAtom, 1n); // SetSelectionOwnerNotifyMask
    x.x11.XFlush(events);
  }

  onDamage(cb: () => void): void {
    if (!this.#damage) {
      const fired = () => this.#damageListeners.forEach((listener) => listener());
      this.#damage = DamageWatch.watch(this.#s.x, this.#s.events, this.#s.root, this.#pump, fired);
      if (!this.#damage) throw new X11Error("the X display lacks the DAMAGE extension");
      this.#pump.drain(); // the extension query was a round trip: events it queued are read now
    }
    this.#damageListeners.push(cb);
  }

  /**
   * Stops reading events; `destroy` also frees the damage object (not on a lost connection). Resolves once
   * nothing waits on the connection's socket any more (then it may be closed).
   */
  async stop(destroy: boolean): Promise<void> {
    await this.#pump.stop();
    if (destroy) this.#damage?.destroy();
  }

  #emitCursor(listeners: ((cursor: CursorImage) => void)[]): void {
    this.#s.readCursor()
      .then((raw) => raw && this.#cursors.encode(raw))
      .then((cursor) => {
        if (cursor && !this.#s.closed()) { for (const cb of listeners) cb(cursor); }
      })
      .catch((error) => getLog("x11").debug("no cursor image: {error}", { error: String(error) }));
  }
}
