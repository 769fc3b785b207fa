/** Test fixture: headless Chromium (Debian's) in a fresh profile, and the page's test hooks. */
import { type BrowserContext, chromium } from "playwright-core";
import type { SelkiesStats } from "./stats.ts";

/** The page's test hooks (see main.ts). */
export type Win = typeof globalThis & {
  selkiesStats: SelkiesStats;
  selkiesDebug: { pixel(x: number, y: number): number[] | undefined; inputChannel(): string };
};

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--autoplay-policy=no-user-gesture-required",
];

/** A running browser; `close` also removes its profile. */
export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts Chromium with a 1000x600 viewport and a fresh `--user-data-dir`. */
export async function launchChromium(extraFlags: string[] = []): Promise<TestBrowser> {
  const profile = await Deno.makeTempDir({ prefix: "selkies-chromium-" });
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: [...FLAGS, ...extraFlags],
      viewport: { width: 1000, height: 600 },
    });
    return {
      context,
      async close() {
        await context.close().catch(() => {});
        await Deno.remove(profile, { recursive: true }).catch(() => {});
      },
    };
  } catch (error) {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
    throw error;
  }
}

/** Polls `check` until it holds, failing after `ms`. */
export async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting for the client's messages");
    await new Promise((r) => setTimeout(r, 25));
  }
}
