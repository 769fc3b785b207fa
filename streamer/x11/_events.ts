// Drains the events connection whenever its socket has data and tells each watcher, once per drain at most,
// that one of its events came (watchers only need "something changed", never every event). The wait is a
// poll(2) on the socket on one of Deno's blocking threads, so a still desktop costs nothing between events and a
// change is noticed at once (a JS timer every 8 ms cost ~1 % of a core idle and up to 8 ms of latency).
// XPending only flushes what this connection wrote (a damage re-arm: one request per damage event, and the
// server sends no other until it is read) and reads what is there: it never waits on the server, so it may run
// on the main thread.
import type { XLibs } from "./_lib.ts";
import { takeXError } from "./_errors.ts";
import { shmLibs } from "./_shm.ts";

const XEVENT_BYTES = 192;
/** poll(2)'s "data to read". */
const POLLIN = 1;
/**
 * Longest wait for the socket: how soon a stop is noticed, and a safety net for events Xlib queued while it
 * read a reply (a round trip on this connection), which leave the socket quiet.
 */
const WAIT_MS = 100;

interface Watcher {
  matches: (type: number, event: DataView) => boolean;
  fired: () => void;
}

/** The event loop of one connection. */
export class EventPump {
  readonly #x: XLibs;
  readonly #dpy: NonNullable<Deno.PointerValue>;
  readonly #watchers: Watcher[] = [];
  readonly #event = new Uint8Array(XEVENT_BYTES);
  /** struct pollfd (int fd, short events, short revents), off the JS heap: the call runs on another thread. */
  readonly #pollFd = new Uint8Array(new ArrayBuffer(8));
  #stopped = false;
  readonly #done: Promise<void>;

  constructor(x: XLibs, dpy: NonNullable<Deno.PointerValue>) {
    this.#x = x;
    this.#dpy = dpy;
    this.#done = this.#run();
  }

  /** Calls `fired` after a drain that read at least one event for which `matches` is true. */
  watch(matches: Watcher["matches"], fired: Watcher["fired"]): void {
    this.#watchers.push({ matches, fired });
  }

  /** Drains now: after a round trip on this connection, which may have queued events inside Xlib. */
  drain(): void {
    if (!this.#stopped) this.#drain();
  }

  /** Stops; resolves once no wait is pending on the socket (then the display may be closed). */
  stop(): Promise<void> {
    this.#stopped = true;
    return this.#done;
  }

  async #run(): Promise<void> {
    const { libc, x11 } = shmLibs();
    const view = new DataView(this.#pollFd.buffer);
    view.setInt32(0, x11.XConnectionNumber(this.#dpy), true);
    // A tick first: watchers are registered right after construction.
    await Promise.resolve();
    while (!this.#stopped) {
      this.#drain();
      view.setInt16(4, POLLIN, true);
      view.setInt16(6, 0, true);
      await libc.poll(this.#pollFd, 1n, WAIT_MS);
    }
  }

  #drain(): void {
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
