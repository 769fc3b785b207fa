/**
 * Starts what the viewer sees on the private display: a window manager and a terminal by default, or one
 * application maximized, optionally inside an Apptainer/Singularity image and under VirtualGL (EGL back
 * end) on the job's GPU.
 *
 * @module
 */
import { getLog } from "../../log.ts";
import type { JobGpus } from "../../jobs/allocation.ts";
import type { ProcessGroup } from "../process/group.ts";
import type { XDisplay } from "../display/xvfb.ts";
import { DesktopError } from "./errors.ts";
import { findRenderNode } from "./gpu.ts";
import { onPath } from "./_path.ts";

const log = getLog("desktop");

/** Options for {@linkcode startDesktop}. */
export interface DesktopOptions {
  /** The display to run on. */
  display: XDisplay;
  /** One application to run maximized, as a shell command line (run by `bash -c`: the job already carries the user's environment, a login shell would only re-run profiles). */
  app?: string;
  /** A whole desktop session command (e.g. `startxfce4`) instead of openbox + xterm. */
  desktop?: string;
  /** GPU rendering: "auto" uses VirtualGL when vglrun and a GPU are there. @default {"auto"} */
  gl?: "auto" | "virtualgl-egl" | "off";
  /** An Apptainer/Singularity image to run the application or desktop in. */
  image?: string;
  /** Extra container binds (`src[:dest[:opts]]`). */
  binds?: string[];
  /** Extra environment (e.g. PulseAudio's) for the applications. */
  env?: Record<string, string>;
  /** Supervises the started processes. */
  group: ProcessGroup;
  /** The job's GPUs, to render on the first of them. @default {{} (the first GPU of the machine)} */
  gpus?: JobGpus;
  /** Aborts the start: nothing more is started and the start rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** What {@linkcode startDesktop} started. */
export interface DesktopInfo {
  /** Whether applications render on the GPU through VirtualGL. */
  glMode: "virtualgl-egl" | "off";
  /** Why that GL mode (shown to the user). */
  reason: string;
}

/**
 * Starts the desktop (openbox + xterm), a desktop session, or one maximized application. What it started
 * belongs to `options.group`, also when the start fails or is aborted.
 *
 * @example
 * ```ts
 * import { startDesktop } from "./desktop.ts";
 * import type { XDisplay } from "../display/xvfb.ts";
 * import type { ProcessGroup } from "../process/group.ts";
 * declare const display: XDisplay, group: ProcessGroup;
 * const { glMode, reason } = await startDesktop({ display, app: "glxgears", gl: "auto", group });
 * console.log(`GL ${glMode}: ${reason}`);
 * ```
 */
export async function startDesktop(options: DesktopOptions): Promise<DesktopInfo> {
  if (options.app !== undefined && options.desktop !== undefined) {
    throw new DesktopError("give either an app or a desktop, not both");
  }
  const container = options.image ? containerPrefix(options) : [];
  const gl = await chooseGl(options, container);
  options.signal?.throwIfAborted();
  const vgl = gl.device ? ["vglrun", "-d", gl.device] : [];
  const env = { ...options.env, ...options.display.env };
  const runtimeDir = options.display.xauthority.slice(0, options.display.xauthority.lastIndexOf("/"));
  const spawn = (name: string, argv: string[]) => {
    try {
      return options.group.spawn(name, argv[0], { args: argv.slice(1), env, stderr: "null" });
    } catch (error) {
      throw new DesktopError(`cannot start ${name} (${argv[0]}): is it installed?`, { cause: error });
    }
  };
  if (options.desktop !== undefined) {
    spawn("desktop", [...container, ...vgl, "bash", "-c", options.desktop]);
  } else if (options.app !== undefined) {
    const rc = `${runtimeDir}/openbox-rc.xml`;
    await Deno.writeTextFile(rc, MAXIMIZE_ALL);
    spawn("window-manager", ["openbox", "--config-file", rc]);
    // A window mapped before openbox manages the screen escapes its maximize rule: wait for the WM.
    await waitForWindowManager(env, options.signal);
    options.signal?.throwIfAborted();
    // The command line is one argv element: the job owner's shell parses it, nothing is interpolated.
    spawn("app", [...container, ...vgl, "bash", "-c", options.app]);
  } else {
    spawn("window-manager", ["openbox"]);
    spawn("terminal", [...container, ...vgl, "xterm"]);
  }
  const glMode = gl.device ? "virtualgl-egl" : "off";
  log.info("desktop started; GL {glMode}: {reason}", { glMode, reason: gl.reason });
  return { glMode, reason: gl.reason };
}

const MAXIMIZE_ALL = `<?xml version="1.0" encoding="UTF-8"?>
<openbox_config xmlns="http://openbox.org/3.4/rc">
  <applications>
    <application class="*"><decor>no</decor><maximized>yes</maximized></application>
  </applications>
</openbox_config>
`;

function containerPrefix(options: DesktopOptions): string[] {
  const runtime = onPath("apptainer") ?? onPath("singularity");
  if (!runtime) throw new DesktopError("image is set but neither apptainer nor singularity is on PATH");
  for (const bind of options.binds ?? []) {
    if (!bind || bind.includes(",") || bind.startsWith("-")) {
      throw new DesktopError(
        `bind ${JSON.stringify(bind)} is not src[:dest[:opts]] (one per entry, no commas)`,
      );
    }
  }
  const runtimeDir = options.display.xauthority.slice(0, options.display.xauthority.lastIndexOf("/"));
  // The runtime folder carries the X cookie and the PulseAudio socket; /tmp (X socket) is bound by default.
  const binds = [runtimeDir, ...(options.binds ?? [])].flatMap((b) => ["--bind", b]);
  const nv = options.gl === "off" ? [] : ["--nv"];
  return [runtime, "exec", ...nv, ...binds, options.image!];
}

async function chooseGl(
  options: DesktopOptions,
  container: string[],
): Promise<{ device: string | null; reason: string }> {
  const mode = options.gl ?? "auto";
  if (mode === "off") return { device: null, reason: "GPU rendering turned off" };
  const fail = (reason: string) => {
    if (mode === "virtualgl-egl") throw new DesktopError(`gl virtualgl-egl asked for, but ${reason}`);
    return { device: null, reason };
  };
  const hasVgl = container.length
    ? (await new Deno.Command(container[0], {
      args: [...container.slice(1), "sh", "-c", "command -v vglrun"],
      stdout: "null",
      stderr: "null",
      signal: options.signal,
    }).output().catch(() => ({ success: false }))).success
    : onPath("vglrun") !== null;
  if (!hasVgl) {
    return fail(container.length ? "vglrun is not in the image" : "vglrun (VirtualGL) is not installed");
  }
  const node = findRenderNode(options.gpus ?? {});
  if (!node.device) return fail(node.reason);
  return { device: node.device, reason: `VirtualGL EGL on ${node.device}: ${node.reason}` };
}

/** Waits (up to 5 s, less when `signal` aborts) until a window manager announces itself on the root window (EWMH). */
async function waitForWindowManager(env: Record<string, string>, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (signal?.aborted) return;
    const out = await new Deno.Command("xprop", {
      args: ["-root", "_NET_SUPPORTING_WM_CHECK"],
      env,
      stdout: "piped",
      stderr: "null",
      signal,
    }).output().catch(() => undefined);
    if (out && new TextDecoder().decode(out.stdout).includes("window id")) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  log.warning("no window manager after 5 s; starting the app anyway");
}
