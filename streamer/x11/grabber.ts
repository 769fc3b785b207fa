/**
 * Screen capture for the hybrid encoding: the root window read back through MIT-SHM into a mirror of the
 * screen, only where X says it changed since the last look (XDamage): the still rest costs nothing.
 *
 * Two connections of its own, as X11Session: the grab connection's calls (XShmGetImage, attaching and
 * resizing the image, all round trips) run one at a time on Deno's blocking pool, so a server grab held by
 * another client stalls the grab, never the caller's event loop; the events connection (damage rectangles,
 * root resizes) is drained with XPending on the calling thread, which never waits on the server.
 *
 * Damage is reported at the raw-rectangles level: the server sends every drawn rectangle and keeps no state,
 * so nothing needs re-arming, and a change drawn after a grab always shows up in a later
 * {@linkcode ScreenGrabber.damage} call (call it before each grab).
 *
 * @module
 */
import { eventBase } from "./_lib.ts";
import { closeDisplay, type Display, openDisplay } from "./_connection.ts";
import { takeXError } from "./_errors.ts";
import { rootSize, type Size } from "./_randr.ts";
import { ShmImage, type ShmLibs, shmLibs } from "./_shm.ts";
import { X11Error } from "./errors.ts";
import type { Frame, Rect } from "../codec/frame.ts";

export type { Frame, Rect } from "../codec/frame.ts";

const XDAMAGE_REPORT_RAW_RECTANGLES = 0;
const XDAMAGE_NOTIFY = 0;
const CONFIGURE_NOTIFY = 22;
const STRUCTURE_NOTIFY_MASK = 1n << 17n;
const XEVENT_BYTES = 192;
/** poll(2)'s "data to read". */
const POLLIN = 1;
/** Longest wait for an unfinished grab, then for XCloseDisplay, when closing. */
const CLOSE_MS = 1000;

/** Options of {@linkcode ScreenGrabber.open}. */
export interface GrabberOptions {
  /**
   * The X display.
   * @default {Deno.env.get("DISPLAY")}
   */
  display?: string;
  /**
   * Its cookie file.
   * @default {Deno.env.get("XAUTHORITY") ?? "$HOME/.Xauthority"}
   */
  xauthority?: string;
  /**
   * Most rectangles {@linkcode ScreenGrabber.damage} returns; more are replaced by their bounding box.
   * @default {64}
   */
  maxRects?: number;
}

/** Reads the screen of an X display; see {@linkcode ScreenGrabber.open}. */
export class ScreenGrabber {
  readonly #libs: ShmLibs;
  readonly #grab: Display;
  readonly #events: Display;
  readonly #root: bigint;
  readonly #damageBase: number;
  readonly #damage: bigint;
  readonly #maxRects: number;
  readonly #event = new Uint8Array(XEVENT_BYTES);
  /** struct pollfd of the events connection (int fd, short events, short revents), off the JS heap. */
  readonly #pollFd = new Uint8Array(new ArrayBuffer(8));
  #size: Size;
  #image: ShmImage | null = null;
  #pending: Rect[] = [];
  #tail: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | null = null;
  #lost = false;

  /**
   * Connects to the display and maps a shared-memory image of its screen.
   *
   * @throws {X11Error} when the display cannot be opened, lacks MIT-SHM or DAMAGE, is remote, or is not
   * 24-bit TrueColor.
   * @example
   * ```ts
   * import { ScreenGrabber } from "./grabber.ts";
   * const grabber = await ScreenGrabber.open({ display: ":5", xauthority: "/run/user/1000/Xauthority" });
   * try {
   *   const frame = await grabber.grab(grabber.damage()); // all of the screen the first time
   *   console.log(frame.width, frame.height); // later grabs update the same frame where it changed
   * } finally {
   *   await grabber.close();
   * }
   * ```
   */
  static async open(options: GrabberOptions = {}): Promise<ScreenGrabber> {
    const display = options.display ?? Deno.env.get("DISPLAY");
    if (!display) throw new X11Error("no X display to grab: set DISPLAY or pass one");
    const xauthority = options.xauthority ?? Deno.env.get("XAUTHORITY") ??
      `${Deno.env.get("HOME") ?? ""}/.Xauthority`;
    const libs = shmLibs();
    let grabber: ScreenGrabber | null = null;
    const lost = () => {
      if (grabber) grabber.#lost = true;
    };
    const grab = openDisplay(libs.x, display, xauthority, lost);
    let events: Display | null = null;
    try {
      if (!libs.xext.XShmQueryExtension(grab)) throw new X11Error(`X display ${display} lacks MIT-SHM`);
      events = openDisplay(libs.x, display, xauthority, lost);
      const damageBase = eventBase(libs.x.xdamage.XDamageQueryExtension, events);
      if (damageBase === null) throw new X11Error(`X display ${display} lacks the DAMAGE extension`);
      grabber = new ScreenGrabber(libs, grab, events, damageBase, options.maxRects ?? 64);
    } catch (error) {
      if (events) await closeDisplay(libs.x, events, CLOSE_MS);
      await closeDisplay(libs.x, grab, CLOSE_MS);
      throw error;
    }
    try {
      await grabber.#serial(() => grabber!.#resize(grabber!.#size));
    } catch (error) {
      await grabber.close();
      throw error;
    }
    return grabber;
  }

  private constructor(libs: ShmLibs, grab: Display, events: Display, damageBase: number, maxRects: number) {
    this.#libs = libs;
    this.#grab = grab;
    this.#events = events;
    this.#damageBase = damageBase;
    this.#maxRects = maxRects;
    const x = libs.x.x11;
    this.#root = x.XDefaultRootWindow(events);
    const screen = x.XDefaultScreen(events); // the size at connection time; ConfigureNotify tells changes
    this.#size = { width: x.XDisplayWidth(events, screen), height: x.XDisplayHeight(events, screen) };
    this.#damage = libs.x.xdamage.XDamageCreate(events, this.#root, XDAMAGE_REPORT_RAW_RECTANGLES);
    libs.x11.XSelectInput(events, this.#root, STRUCTURE_NOTIFY_MASK);
    x.XFlush(events);
  }

  /** The screen's size as last seen (a grab follows resizes). */
  get size(): Size {
    return { ...this.#size };
  }

  /**
   * Reads the screen where `areas` (what {@linkcode ScreenGrabber.damage} returned) say, the rest staying as
   * earlier grabs left it: the whole current screen as long as every change was passed. Reads all of it
   * without `areas`, the first time, and after a resize (then damage() reports all of it) or an error. The
   * frame's `data` is a view on shared memory, updated in place by later grabs and unmapped by
   * {@linkcode ScreenGrabber.close}: copy what must outlive them.
   *
   * @throws {X11Error} when the connection is lost or the grabber closed.
   */
  grab(areas?: readonly Rect[]): Promise<Frame> {
    return this.#serial(async () => {
      this.#drain();
      const size = this.#size;
      let image = this.#image;
      if (!image || image.width !== size.width || image.height !== size.height) {
        image = await this.#resize(size);
      }
      if (!await image.read(this.#root, areas)) {
        // A lost connection is reported from a timer (_errors.ts): let it land before asking the server.
        await new Promise((resolve) => setTimeout(resolve, 0));
        this.#check();
        // The screen shrank after the last event was read: ask the server for its size, once.
        image = await this.#resize(this.#size = await rootSize(this.#libs.x, this.#grab, this.#root));
        if (!await image.read(this.#root)) {
          this.#check();
          throw new X11Error(`XShmGetImage of ${image.width}x${image.height} failed`);
        }
      }
      return { data: image.data, width: image.width, height: image.height, stride: image.stride };
    });
  }

  /**
   * Waits until X reports something drawn, at most `timeoutMs`: resolves `true` when damage is waiting for
   * {@linkcode ScreenGrabber.damage}. The wait is a poll(2) on the events connection's socket on another thread,
   * so a still screen costs nothing between events (polling `damage()` 60 times a second cost ~2 % of a core).
   */
  async changes(timeoutMs: number): Promise<boolean> {
    if (this.#closing || this.#lost) return false;
    this.#drain();
    if (this.#pending.length) return true;
    const view = new DataView(this.#pollFd.buffer);
    view.setInt32(0, this.#libs.x11.XConnectionNumber(this.#events), true);
    view.setInt16(4, POLLIN, true);
    view.setInt16(6, 0, true);
    await this.#libs.libc.poll(this.#pollFd, 1n, Math.max(0, Math.round(timeoutMs)));
    if (this.#closing || this.#lost) return false;
    this.#drain();
    return this.#pending.length > 0;
  }

  /**
   * The areas X reported drawn since the last call, clipped to the screen, merged where that costs little,
   * at most `maxRects` (their bounding box beyond). Never waits on the server.
   */
  damage(): Rect[] {
    if (this.#closing || this.#lost) return [];
    this.#drain();
    const { width, height } = this.#size;
    const rects = this.#pending.flatMap((r) => {
      const x = Math.max(0, r.x), y = Math.max(0, r.y);
      const w = Math.min(width, r.x + r.w) - x, h = Math.min(height, r.y + r.h) - y;
      return w > 0 && h > 0 ? [{ x, y, w, h }] : [];
    });
    this.#pending = [];
    return rects;
  }

  /** Unmaps the image and closes both connections; waits for a grab in flight (1 s at most). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((resolve) => timer = setTimeout(() => resolve("late"), CLOSE_MS));
      const idle = await Promise.race([this.#tail.then(() => "idle" as const), late]);
      clearTimeout(timer);
      const x = this.#libs.x;
      // On a lost connection, Xlib calls other than XCloseDisplay may never return (XShmDetach waited
      // forever on libxcb's lock, measured): only unmap and close (bounded) then.
      if (!this.#lost) x.xdamage.XDamageDestroy(this.#events, this.#damage);
      await closeDisplay(x, this.#events, CLOSE_MS);
      // A grab stuck in the server (another client's grab) still uses the connection and the image: leave
      // them to the process's end rather than free them under it.
      if (idle === "late") return;
      await this.#image?.destroy(!this.#lost);
      this.#image = null;
      await closeDisplay(x, this.#grab, CLOSE_MS);
    })();
    return this.#closing;
  }

  /** Runs `f` after every earlier grab-connection call. */
  #serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => {
      if (this.#closing) throw new X11Error("the screen grabber is closed");
      this.#check();
      return f();
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Throws when the connection was lost. */
  #check(): void {
    if (this.#lost) throw new X11Error("the X connection of the screen grabber was lost");
  }

  /** Replaces the image by one of `size`; all of the screen counts as damaged. */
  async #resize(size: Size): Promise<ShmImage> {
    const old = this.#image;
    this.#image = null;
    await old?.destroy();
    this.#image = await ShmImage.create(this.#libs, this.#grab, size.width, size.height);
    this.#pending = [{ x: 0, y: 0, w: size.width, h: size.height }];
    return this.#image;
  }

  /** Reads the events connection's queued events: damage into `#pending`, root resizes into `#size`. */
  #drain(): void {
    const x = this.#libs.x.x11;
    const view = new DataView(this.#event.buffer);
    while (x.XPending(this.#events) > 0) {
      x.XNextEvent(this.#events, this.#event);
      const type = view.getInt32(0, true);
      if (type === this.#damageBase + XDAMAGE_NOTIFY) {
        // XDamageNotifyEvent (LP64): XRectangle area @64 (i16 x, y; u16 width, height).
        const rect = {
          x: view.getInt16(64, true),
          y: view.getInt16(66, true),
          w: view.getUint16(68, true),
          h: view.getUint16(70, true),
        };
        addRect(this.#pending, rect, this.#maxRects);
      } else if (type === CONFIGURE_NOTIFY && view.getBigUint64(40, true) === this.#root) {
        // XConfigureEvent (LP64): window @40, width @56, height @60.
        this.#size = { width: view.getInt32(56, true), height: view.getInt32(60, true) };
      }
    }
    takeXError(this.#events);
  }
}

/**
 * Merges `rects` where the union of two wastes at most a quarter of its area (overlapping, touching,
 * contained), and into their bounding box when more than `limit` remain.
 *
 * @example
 * ```ts
 * import { coalesceRects } from "./grabber.ts";
 * coalesceRects([{ x: 0, y: 0, w: 8, h: 16 }, { x: 8, y: 0, w: 8, h: 16 }]); // [{ x: 0, y: 0, w: 16, h: 16 }]
 * ```
 */
export function coalesceRects(rects: readonly Rect[], limit = 64): Rect[] {
  const out: Rect[] = [];
  for (const r of rects) addRect(out, r, limit);
  return out;
}

function addRect(list: Rect[], rect: Rect, limit: number): void {
  if (rect.w <= 0 || rect.h <= 0) return;
  let r = { ...rect };
  for (let i = list.length - 1; i >= 0; i--) {
    const u = union(list[i], r);
    if (area(u) * 3 <= (area(list[i]) + area(r)) * 4) {
      r = u;
      list.splice(i, 1);
      i = list.length; // the grown rectangle may now merge with one already passed
    }
  }
  list.push(r);
  if (list.length > limit) list.splice(0, list.length, list.reduce(union));
}

function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

function area(r: Rect): number {
  return r.w * r.h;
}
