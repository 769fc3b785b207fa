// Drains the events connection on a JS timer and tells each watcher, once per poll at most, that one of its
// events came (watchers only need "something changed", never every event). XPending only flushes what this
// connection wrote (a damage re-arm: one request per damage event, and the server sends no other until it is
// read) and reads what is there: it never waits on the server, so it may run on the main thread.
import type { XLibs } from "./_lib.ts";
import { takeXError } from "./_errors.ts";

const XEVENT_BYTES = 192;

interface Watcher {
  matches: (type: number, event: DataView) => boolean;
  fired: () => void;
}

/** The poll loop of one connection. */
export class EventPump {
  readonly #x: XLibs;
  readonly #dpy: NonNullable<Deno.PointerValue>;
  readonly #watchers: Watcher[] = [];
  readonly #event = new Uint8Array(XEVENT_BYTES);
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(x: XLibs, dpy: NonNullable<Deno.PointerValue>, periodMs: number) {
    this.#x = x;
    this.#dpy = dpy;
    this.setPeriod(periodMs);
  }

  /** Calls `fired` after a poll that drained at least one event for which `matches` is true. */
  watch(matches: Watcher["matches"], fired: Watcher["fired"]): void {
    this.#watchers.push({ matches, fired });
  }

  /** Restarts the timer with a new period. */
  setPeriod(ms: number): void {
    clearInterval(this.#timer);
    this.#timer = setInterval(() => this.#poll(), ms);
    this.#timer.unref(); // the poll alone must not keep the process alive
  }

  /** Stops polling (before the display is closed). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #poll(): void {
    const view = new DataView(this.#event.buffer);
    const hit = new Set<Watcher>();
    while (this.#x.x11.XPending(this.#dpy) > 0) {
      this.#x.x11.XNextEvent(this.#dpy, this.#event);
      const type = view.getInt32(0, true);
      for (const w of this.#watchers) if (w.matches(type, view)) hit.add(w);
    }
    takeXError(this.#dpy); // nothing on this connection waits for an error
    for (const w of hit) w.fired();
  }
}
