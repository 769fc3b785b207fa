/**
 * Headless Chromium for the benchmark: Debian's binary through playwright-core, a fresh profile
 * per case, the probe injected into every page.
 *
 * @module
 */
import { type BrowserContext, chromium, type Page } from "playwright-core";
import type { ProcessSelector } from "./cpu_meter.ts";
import { probeScript } from "./probe.ts";
import { CHROMIUM_FLAGS as TEST_FLAGS } from "../tests/fixtures/browser.ts";
import { cmdline, descendants } from "./procstat.ts";

/** Chromium flags that keep a headless browser quiet on a closed network (the tests' set, minus `--headless`, which playwright adds). */
export const CHROMIUM_FLAGS: readonly string[] = TEST_FLAGS.filter((flag) => flag !== "--headless");

/** A browser with one page carrying the probe. */
export interface BenchBrowser {
  /** The page. */
  page: Page;
  /** Selects the browser's processes (for client CPU). */
  processes: ProcessSelector;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Options for {@linkcode openBrowser}. */
export interface BrowserOptions {
  /** Viewport size. */
  width: number;
  /** Viewport height. */
  height: number;
  /** Chromium binary. @default {"/usr/bin/chromium"} */
  executablePath?: string;
}

/**
 * Launches headless Chromium with a fresh profile and one page with the probe installed.
 *
 * @example
 * ```ts ignore
 * import { openBrowser } from "./browser.ts";
 * const b = await openBrowser({ width: 1280, height: 720 });
 * await b.page.goto("http://127.0.0.1:8080/");
 * await b.close();
 * ```
 */
export async function openBrowser(options: BrowserOptions): Promise<BenchBrowser> {
  const profile = await Deno.makeTempDir({ prefix: "bench-chromium-" });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: options.executablePath ?? "/usr/bin/chromium",
      headless: true,
      args: [...CHROMIUM_FLAGS],
      viewport: { width: options.width, height: options.height },
    });
  } catch (error) {
    await Deno.remove(profile, { recursive: true });
    throw error;
  }
  await context.addInitScript({ content: probeScript() });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    page,
    processes: (all) => {
      const mains = all.filter((p) => {
        const cmd = cmdline(p.pid);
        return cmd.includes(profile) && !cmd.includes("--type=");
      }).map((p) => p.pid);
      return descendants(all, mains);
    },
    async close() {
      await context.close().catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}
