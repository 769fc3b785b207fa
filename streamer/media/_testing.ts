/**
 * Test fixtures: a private Xvfb on a free display, and moving content on it.
 *
 * @module
 */

/** A running test display. */
export interface TestDisplay {
  /** Display name, e.g. `:42`. */
  display: string;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Starts Xvfb on a display it picks itself (`-displayfd`), listening on no TCP port.
 *
 * @example
 * ```ts ignore
 * const x = await startXvfb(1280, 720);
 * await x.close();
 * ```
 */
export async function startXvfb(width: number, height: number): Promise<TestDisplay> {
  const child = new Deno.Command("Xvfb", {
    args: ["-displayfd", "1", "-nolisten", "tcp", "-screen", "0", `${width}x${height}x24`],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("Xvfb exited before choosing a display");
    text += value;
  }
  reader.releaseLock();
  return {
    display: `:${text.trim()}`,
    async close() {
      child.kill("SIGTERM");
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}

/**
 * Shows a moving test pattern full-screen on `display` (videotestsrc into an X window).
 *
 * @example
 * ```ts ignore
 * const motion = startMotion(":42", "ball", 1280, 720);
 * await motion.close();
 * ```
 */
export function startMotion(
  display: string,
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
      `display=${display}`,
      "sync=false",
    ],
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
 * Starts a private PulseAudio with a null sink, reachable at the returned `unix:` server address.
 *
 * @example
 * ```ts ignore
 * const pulse = await startPulse();
 * await pulse.close();
 * ```
 */
export async function startPulse(): Promise<{ server: string; close(): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "media-pulse-" });
  const socket = `${dir}/native`;
  const child = new Deno.Command("pulseaudio", {
    args: [
      "-n",
      "--daemonize=no",
      "--exit-idle-time=-1",
      "--disallow-exit",
      "-L",
      `module-native-protocol-unix socket=${socket} auth-anonymous=1`,
      "-L",
      "module-null-sink sink_name=test",
    ],
    env: { HOME: dir, XDG_RUNTIME_DIR: dir },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const close = async () => {
    child.kill("SIGKILL");
    await child.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  for (let i = 0; i < 100; i++) {
    if (await Deno.stat(socket).then(() => true, () => false)) return { server: `unix:${socket}`, close };
    await new Promise((r) => setTimeout(r, 50));
  }
  await close();
  throw new Error("PulseAudio did not start");
}
