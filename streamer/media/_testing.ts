/**
 * Test fixtures for the media tests: the streamer's own private display and PulseAudio (the same
 * code a session runs), and moving content on the display.
 *
 * @module
 */
import { startPulse as startPrivatePulse } from "../audio/mod.ts";
import { startXvfb as startPrivateXvfb } from "../display/mod.ts";
import { ProcessGroup } from "../process/mod.ts";

/** A running test display. */
export interface TestDisplay {
  /** Display name, e.g. `:42`. */
  display: string;
  /** The display's cookie file (the display is private, as in a session). */
  xauthority: string;
  /** `DISPLAY` and `XAUTHORITY` for X clients. */
  env: Record<string, string>;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
}

/** A process group in a fresh private folder, both gone after `close`. */
async function privateRuntime(): Promise<{ dir: string; group: ProcessGroup; close(): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "media-test-" });
  const group = new ProcessGroup({ graceMs: 1000 });
  return {
    dir,
    group,
    async close() {
      await group.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * Starts the session's private Xvfb (`streamer/display`) at `width`x`height`.
 *
 * @example
 * ```ts
 * const x = await startXvfb(1280, 720);
 * await x.close();
 * ```
 */
export async function startXvfb(width: number, height: number): Promise<TestDisplay> {
  const runtime = await privateRuntime();
  try {
    const d = await startPrivateXvfb({
      width,
      height,
      maxWidth: width,
      maxHeight: height,
      runtimeDir: runtime.dir,
      group: runtime.group,
    });
    return { display: d.name, xauthority: d.xauthority, env: d.env, close: runtime.close };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}

/**
 * Shows a moving test pattern full-screen on `display` (videotestsrc into an X window).
 *
 * @example
 * ```ts
 * const x = await startXvfb(1280, 720);
 * const motion = startMotion(x, "ball", 1280, 720);
 * await motion.close();
 * await x.close();
 * ```
 */
export function startMotion(
  x: Pick<TestDisplay, "display" | "env">,
  pattern: "ball" | "snow" | "smpte",
  width: number,
  height: number,
): { close(): Promise<void> } {
  const child = new Deno.Command("gst-launch-1.0", {
    args: [
      "-q",
      "videotestsrc",
      "is-live=true",
      `pattern=${pattern}`,
      "!",
      `video/x-raw,width=${width},height=${height},framerate=30/1`,
      "!",
      "ximagesink",
      `display=${x.display}`,
      "sync=false",
    ],
    env: x.env,
    stdout: "null",
    stderr: "null",
  }).spawn();
  return {
    async close() {
      child.kill("SIGKILL");
      await child.status;
    },
  };
}

/**
 * Starts the session's private PulseAudio (`streamer/audio`) with its null sink.
 *
 * @example
 * ```ts
 * const pulse = await startPulse();
 * await pulse.close();
 * ```
 */
export async function startPulse(): Promise<{ server: string; close(): Promise<void> }> {
  const runtime = await privateRuntime();
  let pulse;
  try {
    pulse = await startPrivatePulse({ runtimeDir: runtime.dir, group: runtime.group });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  if (pulse.server === null) {
    await runtime.close();
    throw new Error(`PulseAudio did not start: ${pulse.reason}`);
  }
  return { server: pulse.server, close: runtime.close };
}
