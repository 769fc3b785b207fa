/**
 * Idle release: a session nobody uses ends by itself, so its allocation (often GPUs) goes back to the queue.
 * Idle means no viewer connected and no input for the site's limit (jobs/site_idle_release.ts); by default a
 * connected viewer keeps the session even while it only watches. Shortly before the end the job log and any
 * viewer hear a warning; a viewer coming back (or, when watching does not count, typing or moving the mouse)
 * calls it off. Not to be confused with streamer/media/idle.ts, which pauses the encoder on a still screen.
 *
 * @module
 */
import { describeIdleRelease, type IdleReleasePolicy } from "../../jobs/site_idle_release.ts";
import { getLog } from "../../log.ts";
import type { SessionEndMessage } from "../../protocol/job.ts";
import type { DesktopPort } from "./ports.ts";

const log = getLog("session", "idle");

/** The clock the timer runs on (injected by unit tests). */
export interface IdleClock {
  /** Milliseconds, monotonic enough for minutes. */
  now(): number;
  /** Schedules `fn` after `ms`; returns what cancels it. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a scheduled call. */
  clearTimeout(id: unknown): void;
}

const realClock: IdleClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

/** Options of {@linkcode IdleRelease}: the site's policy, and what to do at each turn. */
export interface IdleReleaseOptions extends IdleReleasePolicy {
  /** The idle time is near its limit: `leftMs` until the session ends. */
  onWarn(leftMs: number): void;
  /** After a warning, the session is in use again (a viewer came back or gave input). */
  onResume(): void;
  /** The limit is reached: end the session. Called once; nothing is called after it. */
  onRelease(): void;
  /** The clock. @default {performance.now and the global timers} */
  clock?: IdleClock;
}

/**
 * Counts idle time from the session's start, the last input, or the last viewer leaving, and calls the
 * options' hooks; one timer at a time, re-armed when it fires (input can come 60 times a second).
 *
 * @example
 * ```ts
 * import { IdleRelease } from "./idle_release.ts";
 * const idle = new IdleRelease({
 *   limitMs: 60 * 60_000,
 *   warnMs: 5 * 60_000,
 *   watchingKeeps: true,
 *   onWarn: (leftMs) => console.warn(`idle: the session ends in ${leftMs / 60_000} min`),
 *   onResume: () => console.info("in use again"),
 *   onRelease: () => console.warn("idle: ending the session"),
 * });
 * idle.viewerJoined(); // a connected viewer keeps the session
 * idle.viewerLeft(); // idle time counts from now
 * idle.close();
 * ```
 */
export class IdleRelease {
  readonly #options: IdleReleaseOptions;
  readonly #clock: IdleClock;
  #viewers = 0;
  #lastUse: number;
  #warned = false;
  #done = false;
  #timer: unknown;

  /** Starts counting: a session nobody ever opens is idle from its start. */
  constructor(options: IdleReleaseOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#lastUse = this.#clock.now();
    this.#check();
  }

  /** Whether the warning is out and not yet called off. */
  get warned(): boolean {
    return this.#warned;
  }

  /** Input from a viewer (key, pointer, clipboard, resize). */
  input(): void {
    this.#use();
  }

  /** A viewer connected. */
  viewerJoined(): void {
    this.#viewers++;
    this.#use();
  }

  /** A viewer left; with none left, idle time counts from now. */
  viewerLeft(): void {
    this.#viewers = Math.max(0, this.#viewers - 1);
    this.#use();
  }

  /** Stops the timer; no hook is called after this. */
  close(): void {
    this.#done = true;
    this.#disarm();
  }

  #use(): void {
    if (this.#done) return;
    this.#lastUse = this.#clock.now();
    if (this.#warned) {
      this.#warned = false;
      this.#options.onResume();
    }
    // The armed timer (if any) re-checks from the new last use when it fires; none armed: arm one.
    if (this.#timer === undefined) this.#check();
  }

  /** Whether a connected viewer keeps the session now. */
  #kept(): boolean {
    return this.#options.watchingKeeps && this.#viewers > 0;
  }

  #check(): void {
    if (this.#done) return;
    if (this.#kept()) {
      this.#disarm(); // viewerLeft arms it again
      return;
    }
    const { limitMs, warnMs } = this.#options;
    const idle = this.#clock.now() - this.#lastUse;
    if (idle >= limitMs) {
      this.close();
      this.#options.onRelease();
      return;
    }
    if (!this.#warned && idle >= limitMs - warnMs) {
      this.#warned = true;
      this.#options.onWarn(limitMs - idle);
    }
    this.#arm(this.#warned ? limitMs - idle : limitMs - warnMs - idle);
  }

  #arm(ms: number): void {
    this.#disarm();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#check();
    }, Math.max(0, ms));
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** A session's idle release, as {@linkcode releaseWhenIdle} wires it. */
export interface SessionIdleRelease {
  /** Input from a viewer (pass it to {@linkcode watchInput}). */
  input: () => void;
  /** Counts a viewer from now until its `closed` settles. */
  watch(viewer: { closed: Promise<unknown> }): void;
  /** Resolves with the `end` message when the session has been idle for the limit; never when off. */
  released: Promise<SessionEndMessage>;
  /** Stops the timer (the session is ending anyway). */
  close(): void;
}

/**
 * Wires idle release into a session: warnings go to the job log (the streamer's stderr) and to `notify` (every
 * viewer); does nothing when `policy` is undefined (the site left it off).
 *
 * @example
 * ```ts
 * import { releaseWhenIdle } from "./idle_release.ts";
 * const idle = releaseWhenIdle({ limitMs: 3_600_000, warnMs: 300_000, watchingKeeps: true }, console.log);
 * idle.released.then((end) => console.log(end.message));
 * idle.close();
 * ```
 */
export function releaseWhenIdle(
  policy: IdleReleasePolicy | undefined,
  notify: (message: string) => void,
): SessionIdleRelease {
  const released = Promise.withResolvers<SessionEndMessage>();
  if (!policy) return { input: () => {}, watch: () => {}, released: released.promise, close: () => {} };
  log.info("idle release: {rule}", {
    rule: describeIdleRelease({
      minutes: policy.limitMs / 60_000,
      warnMinutes: policy.warnMs / 60_000,
      watchingKeeps: policy.watchingKeeps,
    }),
  });
  const idle = new IdleRelease({
    ...policy,
    onWarn: (leftMs) => {
      const warning = idleWarning(leftMs);
      log.warning("idle release: {warning}", { warning });
      notify(warning);
    },
    onResume: () => {
      log.info("idle release: the session is in use again; it stays");
      notify("This session is in use again: it stays.");
    },
    onRelease: () => {
      log.warning(
        "idle release: nobody used the session for the site's limit; ending it to free the allocation",
      );
      released.resolve(idleEndMessage(policy));
    },
  });
  return {
    input: () => idle.input(),
    watch: (viewer) => {
      idle.viewerJoined();
      const left = () => idle.viewerLeft();
      viewer.closed.then(left, left);
    },
    released: released.promise,
    close: () => idle.close(),
  };
}

/**
 * A desktop port that reports every input it passes on (keys, pointer, wheel, clipboard, resize); releasing
 * keys when a viewer leaves is not input.
 *
 * @example
 * ```ts
 * import { IdleRelease, watchInput } from "./idle_release.ts";
 * import type { DesktopPort } from "./ports.ts";
 * declare const desktop: DesktopPort, idle: IdleRelease;
 * const watched = watchInput(desktop, () => idle.input());
 * watched.keyDown(0x61); // presses "a" and counts as use
 * ```
 */
export function watchInput(desktop: DesktopPort, onInput: () => void): DesktopPort {
  return {
    keyDown: (keysym) => (onInput(), desktop.keyDown(keysym)),
    keyUp: (keysym) => (onInput(), desktop.keyUp(keysym)),
    typeText: (text) => (onInput(), desktop.typeText(text)),
    releaseAll: () => desktop.releaseAll(),
    moveTo: (x, y) => (onInput(), desktop.moveTo(x, y)),
    moveBy: (dx, dy) => (onInput(), desktop.moveBy(dx, dy)),
    button: (button, down) => (onInput(), desktop.button(button, down)),
    wheel: (dx, dy) => (onInput(), desktop.wheel(dx, dy)),
    setClipboard: (text) => (onInput(), desktop.setClipboard(text)),
    setClipboardImage: desktop.setClipboardImage && ((png) => (onInput(), desktop.setClipboardImage!(png))),
    resize: (width, height) => (onInput(), desktop.resize(width, height)),
  };
}

/**
 * The `end` message viewers see when idle release ends the session.
 *
 * @example
 * ```ts
 * import { idleEndMessage } from "./idle_release.ts";
 * idleEndMessage({ limitMs: 3_600_000, warnMs: 300_000, watchingKeeps: true }).reason; // "idle"
 * ```
 */
export function idleEndMessage(policy: IdleReleasePolicy): SessionEndMessage {
  return {
    t: "end",
    reason: "idle",
    message:
      `Nobody used this session for ${minutes(policy.limitMs)}, so it ended and its allocation went back ` +
      "to the cluster. Start a new session to continue; files you saved are kept.",
  };
}

/**
 * The warning's words for viewers and the job log.
 *
 * @example
 * ```ts
 * import { idleWarning } from "./idle_release.ts";
 * idleWarning(300_000); // "This session has not been used for a while and ends in 5 min to free ..."
 * ```
 */
export function idleWarning(leftMs: number): string {
  return `This session has not been used for a while and ends in ${minutes(leftMs)} to free its allocation ` +
    "for others: type or move the mouse (or open it) to keep it.";
}

function minutes(ms: number): string {
  const min = ms / 60_000;
  return min >= 1 ? `${Math.round(min)} min` : `${Math.max(1, Math.round(ms / 1000))} s`;
}
