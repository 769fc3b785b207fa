/**
 * Whether a page's input still reaches the session's X display, and how long it takes: the page moves the
 * mouse over the picture, X's pointer is read back with `xdotool` on the session's own display (its
 * `DISPLAY` and `XAUTHORITY`, read from the environment of a process of the session).
 *
 * @module
 */
import type { Page } from "playwright-core";

/**
 * The X display of a session: `DISPLAY` and `XAUTHORITY` of the first of `pids` that has them.
 *
 * @example
 * ```ts
 * import { sessionDisplay } from "./_pointer.ts";
 * import { sessionFootprint } from "./_leftovers.ts";
 * declare const streamerPid: number;
 * const env = sessionDisplay(sessionFootprint(streamerPid).pids); // { DISPLAY: ":12", XAUTHORITY: "..." }
 * ```
 */
export function sessionDisplay(pids: number[]): Record<string, string> {
  for (const pid of pids) {
    try {
      const env = Object.fromEntries(
        Deno.readTextFileSync(`/proc/${pid}/environ`).split("\0").map((kv) => kv.split(/=(.*)/s, 2)),
      );
      if (env.DISPLAY && env.XAUTHORITY) return { DISPLAY: env.DISPLAY, XAUTHORITY: env.XAUTHORITY };
    } catch {
      // Gone, or not ours to read.
    }
  }
  throw new Error(`no process of ${pids.join(", ")} has DISPLAY and XAUTHORITY`);
}

async function pointer(display: Record<string, string>): Promise<string> {
  const out = await new Deno.Command("xdotool", { args: ["getmouselocation"], env: display, stdout: "piped" })
    .output();
  return /x:\d+ y:\d+/.exec(new TextDecoder().decode(out.stdout))?.[0] ?? "";
}

/**
 * Moves the page's mouse over the picture (to a spot that differs for consecutive `step`s) and resolves with
 * the milliseconds until X's pointer moved (read every few ms; `xdotool` runs add a little), or rejects
 * after `timeoutMs`.
 *
 * @example
 * ```ts
 * import type { Page } from "playwright-core";
 * import { pointerLatency } from "./_pointer.ts";
 * declare const page: Page, display: Record<string, string>;
 * const ms = await pointerLatency(page, display, 0);
 * ```
 */
export async function pointerLatency(
  page: Page,
  display: Record<string, string>,
  step: number,
  timeoutMs = 30_000,
): Promise<number> {
  const box = await page.locator("#canvas").boundingBox();
  if (!box) throw new Error("no picture to move the mouse over");
  const before = await pointer(display);
  const at = 0.2 + 0.12 * (step % 6);
  const started = performance.now();
  await page.mouse.move(box.x + box.width * at, box.y + box.height * at);
  while (performance.now() - started < timeoutMs) {
    const now = await pointer(display);
    if (now && now !== before) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`X's pointer stayed at ${before} for ${timeoutMs} ms after the page moved the mouse`);
}
