// Input injection through XTest on the requests connection. Every event is a queued request (dropped when
// the server takes none, see _requests.ts); the queue flushes once it has nothing more to send, and pointer
// motion queued back to back collapses into its latest position.
import type { XLibs } from "./_lib.ts";
import type { Display } from "./_connection.ts";
import { Keyboard } from "./_keyboard.ts";
import { keysymsFromText } from "../../protocol/keysym.ts";
import type { Size } from "./_randr.ts";
import type { RequestQueue } from "./_requests.ts";

/** Mouse buttons `button()` accepts: left, middle, right, back, forward (4-7 are the wheel). */
const BUTTONS = new Set([1, 2, 3, 8, 9]);
/** The most wheel clicks one `wheel()` call sends per axis. */
const MAX_WHEEL_STEPS = 10;
/** Characters of committed text typed per request (a request stays well under the queue's stall time even
 * when each character needs a spare keycode to free up). */
const TEXT_PIECE = 8;

/** Keys, buttons, wheel and pointer of one X11 session. */
export class Input {
  readonly #x: XLibs;
  readonly #dpy: Display;
  readonly #queue: RequestQueue;
  readonly #size: () => Size;
  readonly #keyboard: Keyboard;
  readonly #buttons = new Set<number>();
  /** The position a queued, not yet started motion request will move to. */
  #move: { x: number; y: number } | null = null;
  /** Whether the last request queued is that motion (later motion may then join it). */
  #moveIsLast = false;

  constructor(x: XLibs, dpy: Display, queue: RequestQueue, size: () => Size) {
    this.#x = x;
    this.#dpy = dpy;
    this.#queue = queue;
    this.#size = size;
    this.#keyboard = new Keyboard(x, dpy);
  }

  keyDown(keysym: number): void {
    this.#send("a key press", () => this.#keyboard.down(keysym));
  }

  keyUp(keysym: number): void {
    this.#send("a key release", () => this.#keyboard.up(keysym));
  }

  /** Types `text` in pieces of a few characters, each a request of its own (short, and input stays live). */
  typeText(text: string): void {
    const keysyms = keysymsFromText(text);
    for (let i = 0; i < keysyms.length; i += TEXT_PIECE) {
      const piece = keysyms.slice(i, i + TEXT_PIECE);
      this.#send("typing text", () => this.#keyboard.type(piece));
    }
  }

  releaseAll(): void {
    this.#send("releasing keys and buttons", async () => {
      await this.#keyboard.releaseAll();
      const held = [...this.#buttons];
      this.#buttons.clear();
      for (const b of held) await this.#x.nb.xtst.XTestFakeButtonEvent(this.#dpy, b, 0, 0n);
    });
  }

  moveTo(x: number, y: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    const size = this.#size();
    const to = {
      x: Math.max(0, Math.min(size.width - 1, Math.round(x))),
      y: Math.max(0, Math.min(size.height - 1, Math.round(y))),
    };
    if (this.#move && this.#moveIsLast) {
      this.#move = to;
      return;
    }
    this.#move = to;
    const queued = this.#send("pointer motion", async () => {
      const at = this.#move;
      this.#move = null;
      if (at) await this.#x.nb.xtst.XTestFakeMotionEvent(this.#dpy, -1, at.x, at.y, 0n);
    });
    if (!queued) this.#move = null;
    this.#moveIsLast = queued;
  }

  moveBy(dx: number, dy: number): void {
    if (!Number.isFinite(dx) || !Number.isFinite(dy)) return;
    const limit = (v: number) => Math.max(-10000, Math.min(10000, Math.round(v)));
    const [x, y] = [limit(dx), limit(dy)];
    this.#send(
      "relative pointer motion",
      () => this.#x.nb.xtst.XTestFakeRelativeMotionEvent(this.#dpy, x, y, 0n),
    );
  }

  button(b: number, down: boolean): void {
    if (!BUTTONS.has(b)) return;
    this.#send("a button", async () => {
      if (this.#buttons.has(b) === down) return;
      if (down) this.#buttons.add(b);
      else this.#buttons.delete(b);
      await this.#x.nb.xtst.XTestFakeButtonEvent(this.#dpy, b, down ? 1 : 0, 0n);
    });
  }

  wheel(dx: number, dy: number): void {
    const clicks = (v: number, negative: number, positive: number): number[] => {
      if (!Number.isFinite(v)) return [];
      const count = Math.min(MAX_WHEEL_STEPS, Math.abs(Math.round(v)));
      return new Array(count).fill(v < 0 ? negative : positive);
    };
    const buttons = [...clicks(dy, 4, 5), ...clicks(dx, 6, 7)];
    if (!buttons.length) return;
    this.#send("wheel clicks", async () => {
      for (const b of buttons) {
        await this.#x.nb.xtst.XTestFakeButtonEvent(this.#dpy, b, 1, 0n);
        await this.#x.nb.xtst.XTestFakeButtonEvent(this.#dpy, b, 0, 0n);
      }
    });
  }

  /** Queues `call`, flushing after it when nothing else waits; false when it was dropped. */
  #send(what: string, call: () => Promise<unknown>): boolean {
    this.#moveIsLast = false;
    return this.#queue.send(what, async () => {
      await call();
      if (this.#queue.size <= 1) await this.#x.nb.x11.XFlush(this.#dpy);
    });
  }
}
