/**
 * The soak's viewers: churn pages that open the session with `?transport=websocket` and `?transport=webrtc` in
 * turn, wait for their first picture, stay 3-10 s (seeded) and close, counted per minute; the transport the page
 * ended up on is recorded (a WebRTC page that fell back to WebSocket is counted as a fallback).
 *
 * @module
 */
import type { BrowserContext, Page } from "playwright-core";
import { pictureWithin } from "../tests/faults/_page.ts";
import { nextRandom } from "../tests/faults/_seed.ts";

/** Churn counts of one minute. */
export interface ChurnCounts {
  /** Pages opened. */
  joined: number;
  /** Pages closed after their stay. */
  left: number;
  /** Pages that got no picture within the deadline (must stay 0). */
  failed: number;
  /** Pages that showed a picture over WebSocket. */
  websocket: number;
  /** Pages that showed a picture over WebRTC. */
  webrtc: number;
  /** WebRTC pages that fell back to WebSocket. */
  fallbacks: number;
  /** Why pages failed (the first few). */
  errors: string[];
}

/** A running churn loop. */
export interface Churn {
  /** The counts since the last call, and starts a new minute. */
  takeMinute(): ChurnCounts;
  /** Stops after the page now open has closed. */
  stop(): Promise<void>;
}

function emptyCounts(): ChurnCounts {
  return { joined: 0, left: 0, failed: 0, websocket: 0, webrtc: 0, fallbacks: 0, errors: [] };
}

/** How long the page waits for its first picture, ms (generous: the box is shared). */
const FIRST_PICTURE_MS = 30_000;

async function oneViewer(context: BrowserContext, url: string, transport: string, counts: ChurnCounts) {
  let page: Page | undefined;
  counts.joined++;
  try {
    page = await context.newPage();
    await page.goto(`${url}&transport=${transport}&resize=off`);
    await pictureWithin(page, 1, FIRST_PICTURE_MS);
    const used = await page.evaluate("globalThis.selkiesStats?.transport") as string;
    if (used === "webrtc") counts.webrtc++;
    else counts.websocket++;
    if (transport === "webrtc" && used !== "webrtc") counts.fallbacks++;
    await new Promise((resolve) => setTimeout(resolve, 3000 + Math.round(nextRandom() * 7000)));
  } catch (error) {
    counts.failed++;
    if (counts.errors.length < 5) {
      counts.errors.push(`${transport}: ${(error as Error).message.split("\n")[0]}`);
    }
  } finally {
    await page?.close().catch(() => {});
    counts.left++;
  }
}

/**
 * Starts opening and closing viewer pages of `url` in `context`, one at a time, alternating the transports.
 *
 * @example
 * ```ts
 * import type { BrowserContext } from "playwright-core";
 * import { startChurn } from "./_soak_viewers.ts";
 * declare const context: BrowserContext;
 * const churn = startChurn(context, "http://127.0.0.1:8080/s/abc/?token=t");
 * // ... a minute later
 * churn.takeMinute().joined; // ~8
 * await churn.stop();
 * ```
 */
export function startChurn(context: BrowserContext, url: string): Churn {
  let counts = emptyCounts();
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) await oneViewer(context, url, i % 2 ? "webrtc" : "websocket", counts);
  })();
  return {
    takeMinute() {
      const minute = counts;
      counts = emptyCounts();
      return minute;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
