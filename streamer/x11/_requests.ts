// The serial queue of the requests connection. Every call that may wait on the X server runs here, one at a
// time (Xlib is not thread-safe), through `nonblocking` symbols on Deno's blocking pool, so the main thread,
// its HTTP server and its signal handlers never wait on X. A server that does not answer (another client
// holds a grab: measured, a GStreamer 1.22 ximagesrc renegotiating caps inside XGrabServer behind an
// unanswered WebRTC peer) is noticed after `stallMs` and reported, so the session can end the client that holds
// it; callers give up after `timeoutMs`; input that cannot be sent is dropped rather than queued without end.
import { getLog } from "../../log.ts";
import { X11Error, X11TimeoutError } from "./errors.ts";

const log = getLog("x11");

/** Settings of a {@linkcode RequestQueue}. */
export interface RequestQueueOptions {
  /** A call unanswered this long is reported through `onStall` (once per call). */
  stallMs: number;
  /** A caller waits at most this long (queueing included) before its promise rejects. */
  timeoutMs: number;
  /** Droppable requests (input) beyond this many waiting are dropped. */
  maxQueued: number;
  /** While the queue is idle, `ping` runs this often, so a held server is noticed without any request. */
  keepaliveMs: number;
  /** A cheap round trip (XSync). */
  ping: () => Promise<unknown>;
  /** The server has not answered `what` for `stallMs`. */
  onStall: (what: string) => void;
}

interface Job {
  what: string;
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** The caller gave up before the job started: skip it. */
  cancelled: boolean;
}

/** Runs calls on one X connection, one at a time, each with a deadline. */
export class RequestQueue {
  readonly #options: RequestQueueOptions;
  readonly #jobs: Job[] = [];
  #running: Job | null = null;
  /** The running call outlived `timeoutMs`: new requests fail at once until it returns. */
  #stuck = false;
  #lost: string | null = null;
  #dropped = 0;
  #keepalive: ReturnType<typeof setInterval> | undefined;

  constructor(options: RequestQueueOptions) {
    this.#options = options;
    this.#keepalive = setInterval(() => {
      if (!this.#running && this.#jobs.length === 0) {
        this.run("a keepalive round trip", options.ping).catch(() => {});
      }
    }, options.keepaliveMs);
    Deno.unrefTimer(this.#keepalive);
  }

  /** Requests waiting or running. */
  get size(): number {
    return this.#jobs.length + (this.#running ? 1 : 0);
  }

  /**
   * Runs `call` after the requests before it. Rejects with {@linkcode X11TimeoutError} when it has not
   * finished `timeoutMs` after being asked (the call itself may still run later), with {@linkcode X11Error}
   * once the connection is lost.
   */
  run<T>(what: string, call: () => Promise<T>): Promise<T> {
    if (this.#lost) return Promise.reject(new X11Error(this.#lost));
    if (this.#stuck) return Promise.reject(new X11TimeoutError(what, this.#options.timeoutMs));
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    const job: Job = { what, run: call, resolve: resolve as (v: unknown) => void, reject, cancelled: false };
    const timer = setTimeout(() => {
      job.cancelled = true;
      reject(new X11TimeoutError(what, this.#options.timeoutMs));
    }, this.#options.timeoutMs);
    promise.finally(() => clearTimeout(timer)).catch(() => {});
    this.#jobs.push(job);
    this.#next();
    return promise;
  }

  /** Runs `call` unless too many requests wait already; false when it was dropped. Never rejects. */
  send(what: string, call: () => Promise<unknown>): boolean {
    if (this.#lost || this.#stuck || this.#jobs.length >= this.#options.maxQueued) {
      if (this.#dropped++ % 1000 === 0) log.warn("X input dropped: the X server does not take requests");
      return false;
    }
    this.run(what, call).catch((error) =>
      log.debug("{what} failed: {error}", { what, error: String(error) })
    );
    return true;
  }

  /** The connection is gone: waiting and later requests fail with `reason`. */
  lose(reason: string): void {
    this.#lost = reason;
    this.stop();
    for (const job of this.#jobs.splice(0)) job.reject(new X11Error(reason));
  }

  /** Stops the keepalive. */
  stop(): void {
    clearInterval(this.#keepalive);
  }

  #next(): void {
    if (this.#running) return;
    let job = this.#jobs.shift();
    while (job?.cancelled) job = this.#jobs.shift();
    if (!job) return;
    this.#running = job;
    const { stallMs, timeoutMs } = this.#options;
    const stall = setTimeout(() => this.#options.onStall(job.what), stallMs);
    const stuck = setTimeout(() => {
      this.#stuck = true;
      log.error("the X server has not answered {what} for {seconds} s", {
        what: job.what,
        seconds: timeoutMs / 1000,
      });
    }, timeoutMs);
    const lost = this.#lost;
    const call = lost ? Promise.reject(new X11Error(lost)) : Promise.resolve().then(job.run);
    call.then(job.resolve, job.reject).finally(() => {
      clearTimeout(stall);
      clearTimeout(stuck);
      if (this.#stuck) log.info("the X server answers again");
      this.#stuck = false;
      this.#running = null;
      this.#next();
    });
  }
}
