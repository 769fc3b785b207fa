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
import { chooseEglDevice, nvidiaMinors } from "./gpu.ts";
import { eglDevices, findVirtualGl } from "./virtualgl.ts";
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
  /**
   * GPU rendering: "auto" uses VirtualGL when vglrun and a GPU are there; "virtualgl-egl" insists on VirtualGL
   * (on a CPU renderer's EGL device, Mesa's llvmpipe, when there is no GPU). @default {"auto"}
   */
  gl?: "auto" | "virtualgl-egl" | "off";
  /** VirtualGL's prefix, bin folder or vglrun, when it is not on PATH (see `findVirtualGl`). */
  virtualglPath?: string;
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
  const vgl = gl.vglrun ? [gl.vglrun, "-d", gl.device] : [];
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
  const glMode = gl.vglrun ? "virtualgl-egl" : "off";
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
): Promise<{ vglrun: string; device: string; reason: string } | { vglrun: null; reason: string }> {
  const mode = options.gl ?? "auto";
  if (mode === "off") return { vglrun: null, reason: "GPU rendering turned off" };
  const fail = (reason: string) => {
    if (mode === "virtualgl-egl") throw new DesktopError(`gl virtualgl-egl asked for, but ${reason}`);
    return { vglrun: null, reason };
  };
  const host = findVirtualGl(options.virtualglPath);
  let vglrun: string;
  if (container.length) {
    const inImage = (await new Deno.Command(container[0], {
      args: [...container.slice(1), "sh", "-c", "command -v vglrun"],
      stdout: "null",
      stderr: "null",
      signal: options.signal,
    }).output().catch(() => ({ success: false }))).success;
    if (!inImage) return fail("vglrun is not in the image");
    vglrun = "vglrun";
  } else {
    if (!("vglrun" in host)) return fail(host.reason);
    vglrun = host.vglrun;
  }
  // The host's eglinfo numbers the devices as the image's vglrun will (the same driver, through --nv).
  const devices = "vglrun" in host ? await eglDevices(host.vglrun) : [];
  const choice = chooseEglDevice(options.gpus ?? {}, devices);
  if (choice.device) return { vglrun, device: choice.device, reason: `VirtualGL EGL on ${choice.reason}` };
  if (container.length && devices.length === 0 && nvidiaMinors().length > 0) {
    return { vglrun, device: "egl", reason: "VirtualGL EGL on the first device (no eglinfo on the host)" };
  }
  if (mode === "virtualgl-egl" && devices.length > 0) {
    const d = devices[0];
    return {
      vglrun,
      device: d.id,
      reason: `VirtualGL EGL on ${d.id} (${d.renderer ?? "?"}): ${choice.reason}`,
    };
  }
  return fail(choice.reason);
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
