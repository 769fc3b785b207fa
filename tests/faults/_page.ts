/**
 * What the user sees on a session page, read from the page itself: frames decoded (`selkiesStats`), the
 * status text of the overlay, the end screen; and how long the picture takes to come back after a fault.
 *
 * @module
 */
import type { Page } from "playwright-core";
import { waitFor } from "../fixtures/async.ts";

type Stats = { selkiesStats?: { framesDecoded: number } };

/** The page's view after a fault: status text, end screen (title and reason) and frames decoded. */
export interface PageView {
  /** Text of `#status` in the overlay. */
  status: string;
  /** Title of the end screen, or null while none shows. */
  endTitle: string | null;
  /** The end screen's `data-reason`, or null. */
  endReason: string | null;
  /** Frames decoded so far. */
  frames: number;
  /** The overlay's message (`#message`, e.g. "Connection lost; reconnecting in 2.0 s"), or null while hidden. */
  message: string | null;
}

/**
 * Reads what the page shows now.
 *
 * @example
 * ```ts
 * import type { Page } from "playwright-core";
 * import { pageView } from "./_page.ts";
 * declare const page: Page;
 * const view = await pageView(page); // { status: "live", endTitle: null, ... }
 * ```
 */
export function pageView(page: Page): Promise<PageView> {
  return page.evaluate(() => {
    const end = document.getElementById("end-screen");
    const shown = end && !end.hidden;
    return {
      status: document.getElementById("status")?.textContent ?? "",
      endTitle: shown ? end.querySelector("h1")?.textContent ?? "" : null,
      endReason: shown ? end.dataset.reason ?? "" : null,
      frames: (globalThis as Stats).selkiesStats?.framesDecoded ?? 0,
      message: (() => {
        const message = document.getElementById("message");
        return message && !message.hidden ? message.textContent : null;
      })(),
    };
  });
}

/**
 * Waits until the page has decoded `count` more frames than now (the picture is coming) and resolves with
 * the milliseconds that took; `timeoutMs` bounds the wait.
 *
 * @example
 * ```ts
 * import type { Page } from "playwright-core";
 * import { pictureWithin } from "./_page.ts";
 * declare const page: Page;
 * const ms = await pictureWithin(page, 10, 30_000);
 * ```
 */
export async function pictureWithin(page: Page, count: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const from = (await pageView(page)).frames;
  await waitFor(
    `${count} new frames on the page`,
    async () => (await pageView(page)).frames >= from + count,
    {
      timeoutMs,
      intervalMs: 100,
    },
  );
  return Date.now() - started;
}

/**
 * Waits for the end screen and resolves with the page's view and the milliseconds it took.
 *
 * @example
 * ```ts
 * import type { Page } from "playwright-core";
 * import { endScreenWithin } from "./_page.ts";
 * declare const page: Page;
 * const { view, ms } = await endScreenWithin(page, 40_000);
 * ```
 */
export async function endScreenWithin(
  page: Page,
  timeoutMs: number,
): Promise<{ view: PageView; ms: number }> {
  const started = Date.now();
  await page.waitForFunction(() => document.getElementById("end-screen")?.hidden === false, null, {
    timeout: timeoutMs,
  });
  return { view: await pageView(page), ms: Date.now() - started };
}
