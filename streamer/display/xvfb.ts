/**
 * A private Xvfb display: a fresh MIT-MAGIC-COOKIE in a 0600 file, no TCP, a framebuffer large enough
 * to resize into with RANDR, and the display number chosen by Xvfb itself (`-displayfd`), which takes
 * the `/tmp/.X<n>-lock` files atomically, so concurrent sessions never collide.
 *
 * @module
 */
import { getLog } from "../../log.ts";
import { SCREEN_LIMITS } from "../../protocol/screen.ts";
import type { ProcessGroup } from "../process/group.ts";
import { openX11 } from "../x11/session.ts";
import { DisplayError } from "./errors.ts";
import { ensurePrivateDir, writeCookie } from "./_cookie.ts";

const log = getLog("display");

/** Options for {@linkcode startXvfb}. */
export interface XvfbOptions {
  /** Initial screen width in pixels. */
  width: number;
  /** Initial screen height in pixels. */
  height: number;
  /** Largest width a resize may reach (the framebuffer is allocated at this size). @default {SCREEN_LIMITS.maxWidth} */
  maxWidth?: number;
  /** Largest height a resize may reach. @default {SCREEN_LIMITS.maxHeight} */
  maxHeight?: number;
  /** Colour depth. @default {24} */
  depth?: 24;
  /** A private (0700) folder for the cookie file; created if missing. */
  runtimeDir: string;
  /** Supervises the Xvfb process. */
  group: ProcessGroup;
  /** Aborts the start: the server is ended and the start rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Milliseconds to wait for the server. @default {15000} */
  timeoutMs?: number;
}

/** A running private X display. */
export interface XDisplay {
  /** The display name, e.g. ":5". */
  name: string;
  /** The display number. */
  number: number;
  /** Path of the 0600 cookie file. */
  xauthority: string;
  /** `DISPLAY` and `XAUTHORITY` for clients. */
  env: Record<string, string>;
  /** Ends the X server. */
  stop(): Promise<void>;
}

/**
 * Starts a private Xvfb at `width`x`height` that can later be resized up to `maxWidth`x`maxHeight`.
 *
 * @example
 * ```ts
 * import { startXvfb } from "./xvfb.ts";
 * import { ProcessGroup } from "../process/group.ts";
 * const group = new ProcessGroup();
 * const display = await startXvfb({ width: 1280, height: 720, runtimeDir: "/tmp/me-0700", group });
 * console.log(display.env.DISPLAY);
 * await group.stop();
 * ```
 */
export async function startXvfb(options: XvfbOptions): Promise<XDisplay> {
  const maxWidth = options.maxWidth ?? SCREEN_LIMITS.maxWidth;
  const maxHeight = options.maxHeight ?? SCREEN_LIMITS.maxHeight;
  for (const [what, v] of [["width", options.width], ["height", options.height]] as const) {
    if (!Number.isInteger(v) || v < 16 || v > Math.max(maxWidth, maxHeight)) {
      throw new DisplayError(`display ${what} ${v} is not a whole number between 16 and the maximum`);
    }
  }
  await ensurePrivateDir(options.runtimeDir);
  const xauthority = `${options.runtimeDir}/Xauthority`;
  const cookie = await writeCookie(xauthority);
  let child;
  try {
    child = options.group.spawn("Xvfb", "Xvfb", {
      args: [
        "-displayfd",
        "1", // prints the number it took on stdout once it accepts connections
        "-nolisten",
        "tcp",
        "-auth",
        xauthority,
        "-noreset",
        "-screen",
        "0",
        `${maxWidth}x${maxHeight}x${options.depth ?? 24}`,
        "-dpi",
        "96",
        "+extension",
        "GLX",
        "+extension",
        "RANDR",
        "+extension",
        "XTEST",
        "+extension",
        "XFIXES",
        "+extension",
        "DAMAGE",
      ], // deno-fmt-ignore
      stdout: "piped",
      stderr: "piped",
    });
  } catch (error) {
    throw new DisplayError("cannot run Xvfb: is the xvfb package installed and on PATH?", { cause: error });
  }
  const errors = tail(child.process.stderr);
  const number = await readDisplayNumber(child.process.stdout, child.exited, options);
  if (number === null) {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch { /* already gone */ }
    await child.exited;
    options.signal?.throwIfAborted();
    throw new DisplayError(
      `Xvfb did not start: ${(await errors()).trim().split("\n").slice(-3).join(" | ")}`,
    );
  }
  const name = `:${number}`;
  await cookie.bind(number);
  const display: XDisplay = {
    name,
    number,
    xauthority,
    env: { DISPLAY: name, XAUTHORITY: xauthority },
    stop: async () => {
      try {
        Deno.kill(-child.pid, "SIGTERM");
      } catch { /* already gone */ }
      await child.exited;
    },
  };
  const x = openX11(name, xauthority);
  try {
    const size = await x.resize(options.width, options.height);
    log.info("Xvfb {name} up at {width}x{height} (max {maxWidth}x{maxHeight})", {
      name,
      ...size,
      maxWidth,
      maxHeight,
    });
  } finally {
    await x.close();
  }
  return display;
}

async function readDisplayNumber(
  stdout: ReadableStream<Uint8Array>,
  exited: Promise<unknown>,
  options: XvfbOptions,
): Promise<number | null> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const reader = stdout.getReader();
  let text = "";
  const aborted = new Promise<null>((resolve) => {
    if (signal.aborted) resolve(null);
    signal.addEventListener("abort", () => resolve(null), { once: true });
  });
  try {
    while (!text.includes("\n")) {
      const next = await Promise.race([reader.read(), exited.then(() => null), aborted]);
      if (!next || next.done) return null;
      text += new TextDecoder().decode(next.value);
    }
    const number = Number(text.trim());
    return Number.isInteger(number) && number >= 0 ? number : null;
  } finally {
    reader.releaseLock();
    stdout.cancel().catch(() => {});
  }
}

/** Keeps draining a stream (so the child never blocks on a full pipe) and returns its last 4 KiB. */
function tail(stream: ReadableStream<Uint8Array>): () => Promise<string> {
  let text = "";
  const done = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text = (text + decoder.decode(chunk, { stream: true })).slice(-4096);
  })().catch(() => {});
  return async () => {
    await Promise.race([done, new Promise((r) => setTimeout(r, 200))]);
    return text;
  };
}
