/**
 * The job's clock in the page: the time left in the overlay (counted from the job's real end time, which the
 * streamer refreshes from SLURM), a warning banner at the site's thresholds and on SLURM's USR1 notice, the
 * end screen when the session ends ("the job reached its time limit", "was cancelled", "the compute node
 * failed"...), and a "connection lost" screen once reconnecting has gone on too long.
 *
 * @module
 */
import type { EndReason, JobStatusMessage, SessionEndMessage } from "../../protocol/job.ts";

/** How long the page keeps reconnecting before it shows the "connection lost" screen. */
export const DEFAULT_GIVE_UP_MS = 120_000;

/** The end screen's heading for each reason. */
const END_TITLES: Record<EndReason, string> = {
  walltime: "Session ended: the job reached its time limit",
  cancelled: "Session ended: the job was cancelled",
  "node-failure": "Session ended: the compute node failed",
  idle: "Session ended: it was idle for too long",
  failed: "Session ended: the session failed",
  stopped: "Session ended",
};

/**
 * Formats a time left as `H:MM:SS left` (or `M:SS left` under an hour); `0:00 left` once it is over.
 *
 * @example
 * ```ts
 * import { formatTimeLeft } from "./job_banner.ts";
 * formatTimeLeft(3_725_000); // "1:02:05 left"
 * formatTimeLeft(299_500); // "4:59 left"
 * ```
 */
export function formatTimeLeft(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, "0");
  const clock = s >= 3600
    ? `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`
    : `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${clock} left`;
}

/**
 * The warning threshold (minutes) due now, if any: the smallest threshold the time left has reached and that
 * was not warned of yet. It and every larger one are marked in `warned`, so a page opened 4 minutes before the
 * end with thresholds 15 and 5 warns once, not twice.
 *
 * @example
 * ```ts
 * import { dueWarning } from "./job_banner.ts";
 * const warned = new Set<number>();
 * dueWarning(20 * 60_000, [15, 5], warned); // undefined
 * dueWarning(4 * 60_000, [15, 5], warned); // 5
 * dueWarning(3 * 60_000, [15, 5], warned); // undefined: already warned
 * ```
 */
export function dueWarning(
  leftMs: number,
  warnMinutes: readonly number[],
  warned: Set<number>,
): number | undefined {
  const reached = warnMinutes.filter((m) => leftMs <= m * 60_000 && !warned.has(m));
  if (reached.length === 0) return undefined;
  const due = Math.min(...reached);
  for (const m of warnMinutes) if (m >= due) warned.add(m);
  return due;
}

/**
 * Reads the `giveup=<seconds>` page parameter (5 s to 1 h): how long the page reconnects before it gives up.
 *
 * @example
 * ```ts
 * import { giveUpMs } from "./job_banner.ts";
 * giveUpMs(new URLSearchParams("giveup=30")); // 30000
 * giveUpMs(new URLSearchParams("")); // 120000
 * ```
 */
export function giveUpMs(params: URLSearchParams): number {
  const raw = params.get("giveup");
  const seconds = Number(raw);
  if (!raw || !Number.isFinite(seconds)) return DEFAULT_GIVE_UP_MS;
  return Math.min(3600, Math.max(5, seconds)) * 1000;
}

/** Options of {@linkcode JobBanner}. */
export interface JobBannerOptions {
  /** Called when reconnecting has gone on for `giveUpMs`: stop reconnecting. */
  onGiveUp(): void;
  /** How long the page may stay disconnected before it gives up. @default {DEFAULT_GIVE_UP_MS} */
  giveUpMs?: number;
}

/**
 * Shows the time left, the warnings and the end or "connection lost" screen; it makes its own elements.
 *
 * @example
 * ```ts
 * import { JobBanner } from "./job_banner.ts";
 * const banner = new JobBanner(document, { onGiveUp: () => console.log("stop reconnecting") });
 * banner.job({ t: "job", id: "42", endsAt: Date.now() + 3_600_000, warnMinutes: [15, 5] });
 * banner.end({ t: "end", reason: "walltime", message: "Job 42 reached its time limit of 01:00:00." });
 * ```
 */
export class JobBanner {
  readonly #doc: Document;
  readonly #options: JobBannerOptions;
  readonly #left: HTMLElement;
  readonly #warning: HTMLElement;
  readonly #warningText: HTMLElement;
  readonly #screen: HTMLElement;
  #job: JobStatusMessage | undefined;
  /** The sender's clock minus ours, ms. */
  #skew = 0;
  readonly #warned = new Set<number>();
  #ticker: ReturnType<typeof setInterval> | undefined;
  #lostTimer: ReturnType<typeof setTimeout> | undefined;
  #over = false;

  constructor(doc: Document, options: JobBannerOptions) {
    this.#doc = doc;
    this.#options = options;
    // First in the overlay: the time left sits left of the status line.
    this.#left = this.#element("span", doc.getElementById("overlay") ?? doc.body, {
      id: "time-left",
      first: true,
    });
    this.#left.title = "Time left until the job's time limit";
    this.#warning = this.#element("div", doc.body, { id: "job-warning" });
    this.#warning.setAttribute("role", "alert");
    this.#warningText = this.#element("span", this.#warning);
    const dismiss = this.#element("button", this.#warning);
    dismiss.textContent = "OK";
    dismiss.addEventListener("click", () => this.#warning.hidden = true);
    this.#screen = this.#element("div", doc.body, { id: "end-screen" });
    this.#screen.setAttribute("role", "alertdialog");
  }

  /** Whether the session has ended (or been given up on): the page must not reconnect. */
  get over(): boolean {
    return this.#over;
  }

  /** The job's status from the streamer: starts (or moves) the countdown. */
  job(message: JobStatusMessage): void {
    this.#job = message;
    this.#skew = message.sentAt === undefined ? 0 : message.sentAt - Date.now();
    // A new end time (an admin moved the limit) warns again at the thresholds still ahead.
    const left = this.timeLeftMs();
    for (const m of [...this.#warned]) if (left === undefined || left > m * 60_000) this.#warned.delete(m);
    clearInterval(this.#ticker);
    this.#ticker = message.endsAt === undefined ? undefined : setInterval(() => this.#tick(), 1000);
    this.#tick();
  }

  /** Milliseconds until the job's end on the sender's clock; undefined without an end time. */
  timeLeftMs(): number | undefined {
    const endsAt = this.#job?.endsAt;
    return endsAt === undefined ? undefined : endsAt - (Date.now() + this.#skew);
  }

  /** Shows a warning banner (e.g. SLURM's USR1 notice that the time limit is near). */
  warn(text: string): void {
    if (this.#over) return;
    this.#warningText.textContent = text;
    this.#warning.hidden = false;
  }

  /** The session ended: shows why, and stops the countdown and the reconnecting. */
  end(message: SessionEndMessage): void {
    const title = END_TITLES[message.reason] ?? END_TITLES.stopped;
    this.#finish("ended", title, message.message, message.reason);
  }

  /** The desktop answered (its `hello`): the page is not lost. */
  connected(): void {
    clearTimeout(this.#lostTimer);
    this.#lostTimer = undefined;
  }

  /** The socket closed without an end message: reconnecting goes on until `giveUpMs`, then gives up. */
  disconnected(): void {
    if (this.#over || this.#lostTimer !== undefined) return;
    const ms = this.#options.giveUpMs ?? DEFAULT_GIVE_UP_MS;
    this.#lostTimer = setTimeout(() => {
      this.#options.onGiveUp();
      const job = this.#job?.id ? ` (\`selkies-hpc status ${this.#job.id}\`)` : "";
      this.#finish(
        "lost",
        "Connection lost",
        `The desktop has not answered for ${
          Math.round(ms / 1000)
        } s. If the job still runs (the portal, or ` +
          `selkies-hpc status${job}), reload this page; otherwise start a new session.`,
        "lost",
      );
    }, ms);
  }

  #finish(kind: "ended" | "lost", title: string, text: string, reason: string): void {
    this.#over = true;
    clearInterval(this.#ticker);
    clearTimeout(this.#lostTimer);
    this.#warning.hidden = true;
    this.#left.hidden = true;
    this.#screen.replaceChildren();
    this.#screen.dataset.kind = kind;
    this.#screen.dataset.reason = reason;
    this.#element("h1", this.#screen).textContent = title;
    this.#element("p", this.#screen).textContent = text;
    if (kind === "lost") {
      const reload = this.#element("button", this.#screen);
      reload.textContent = "Reload";
      reload.addEventListener("click", () => location.reload());
    }
    this.#screen.hidden = false;
  }

  #tick(): void {
    const left = this.timeLeftMs();
    if (left === undefined || this.#over) {
      this.#left.hidden = true;
      return;
    }
    this.#left.hidden = false;
    this.#left.textContent = formatTimeLeft(left);
    const warnMinutes = this.#job?.warnMinutes ?? [];
    this.#left.classList.toggle("urgent", left <= Math.min(...warnMinutes, 5) * 60_000);
    if (dueWarning(left, warnMinutes, this.#warned) !== undefined && left > 0) {
      const minutes = Math.max(1, Math.round(left / 60_000));
      this.warn(
        `About ${minutes} minute${
          minutes === 1 ? "" : "s"
        } left before this session's job reaches its time ` +
          "limit: save your work.",
      );
    }
    if (left <= 0) clearInterval(this.#ticker);
  }

  /** A new element in `parent`; one with an id is one of the banner's own parts, hidden until used. */
  #element(tag: string, parent: HTMLElement, options: { id?: string; first?: boolean } = {}): HTMLElement {
    const element = this.#doc.createElement(tag);
    if (options.id) {
      element.id = options.id;
      element.hidden = true;
    }
    if (options.first) parent.prepend(element);
    else parent.append(element);
    return element;
  }
}
