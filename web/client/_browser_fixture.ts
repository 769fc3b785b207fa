/** Test fixture: headless Chromium (Debian's) in a fresh profile, and the page's test hooks. */
import { launchBrowser, type TestBrowser } from "../../tests/fixtures/browser.ts";
import type { SelkiesStats } from "./stats.ts";

/** The page's test hooks (see main.ts). */
export type Win = typeof globalThis & {
  selkiesStats: SelkiesStats;
  selkiesDebug: { pixel(x: number, y: number): number[] | undefined; inputChannel(): string };
};

export type { TestBrowser } from "../../tests/fixtures/browser.ts";

/** Starts Chromium (the shared test fixture) with a 1000x600 viewport. */
export function launchChromium(extraFlags: string[] = []): Promise<TestBrowser> {
  return launchBrowser({ viewport: { width: 1000, height: 600 }, flags: extraFlags });
}

/** Polls `check` until it holds, failing after `ms`. */
export async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting for the client's messages");
    await new Promise((r) => setTimeout(r, 25));
  }
}
