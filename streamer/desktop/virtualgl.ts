/**
 * Finds VirtualGL (its `vglrun`, version and EGL devices): a site's install named by the `virtualglPath`
 * setting, `vglrun` on PATH, or the project's own build in `.tools/virtualgl` (scripts/virtualgl.sh), in that
 * order. The EGL devices come from VirtualGL's `eglinfo -e` (the same list and numbering `vglrun -d egl<N>`
 * uses) with each one's GL renderer (`eglinfo -B egl<N>`), so the job's GPU can be told from Mesa's software
 * device.
 *
 * @module
 */
import { onPath } from "./_path.ts";

/** A VirtualGL installation. */
export interface VirtualGl {
  /** Full path of `vglrun`. */
  vglrun: string;
  /** Where it was found: `virtualglPath`, `PATH` or `.tools/virtualgl`. */
  from: string;
}

/** One EGL device as VirtualGL numbers it. */
export interface EglDevice {
  /** VirtualGL's device ID, `egl0`, `egl1`... (the N-th device that initializes). */
  id: string;
  /** Its DRM device file (`/dev/dri/card1`), when the driver reports one. */
  dri?: string;
  /** Its OpenGL renderer string, when a context could be made on it. */
  renderer?: string;
}

/** The project's own build (scripts/virtualgl.sh). */
export const PROJECT_VIRTUALGL = new URL("../../.tools/virtualgl", import.meta.url).pathname;

/**
 * Finds `vglrun`. A `setting` that names no VirtualGL is an error (a site's path is not silently replaced by
 * another install); without one, PATH first, then `.tools/virtualgl`.
 *
 * @param setting The `virtualglPath` session setting: VirtualGL's prefix (`/opt/VirtualGL`), its `bin`
 *   folder, or `vglrun` itself.
 * @example
 * ```ts
 * import { findVirtualGl } from "./virtualgl.ts";
 * const vgl = findVirtualGl();
 * console.log("vglrun" in vgl ? vgl.vglrun : vgl.reason);
 * ```
 */
export function findVirtualGl(
  setting?: string,
  path = Deno.env.get("PATH") ?? "",
): VirtualGl | { reason: string } {
  if (setting) {
    for (const candidate of [setting, `${setting}/vglrun`, `${setting}/bin/vglrun`]) {
      if (executable(candidate)) return { vglrun: candidate, from: "virtualglPath" };
    }
    return {
      reason: `virtualglPath ${setting} has no vglrun (give VirtualGL's prefix, its bin folder or vglrun)`,
    };
  }
  const onSearchPath = onPath("vglrun", path);
  if (onSearchPath) return { vglrun: onSearchPath, from: "PATH" };
  const own = `${PROJECT_VIRTUALGL}/bin/vglrun`;
  if (executable(own)) return { vglrun: own, from: ".tools/virtualgl" };
  return { reason: "vglrun (VirtualGL) is not installed (not on PATH; no virtualglPath setting)" };
}

/**
 * VirtualGL's version line (`VirtualGL v3.1.4 (Build 20250101)`), or null when `vglrun --version` fails.
 *
 * @example
 * ```ts
 * import { findVirtualGl, virtualGlVersion } from "./virtualgl.ts";
 * const vgl = findVirtualGl();
 * if ("vglrun" in vgl) console.log(await virtualGlVersion(vgl.vglrun));
 * ```
 */
export async function virtualGlVersion(vglrun: string): Promise<string | null> {
  const out = await run(vglrun, ["--version"]);
  return out?.match(/VirtualGL v[^\n]*/)?.[0] ?? null;
}

/**
 * The EGL devices VirtualGL's `eglinfo` (next to `vglrun`) lists, with their renderers; empty when it is
 * missing or finds none.
 *
 * @example
 * ```ts
 * import { eglDevices, findVirtualGl } from "./virtualgl.ts";
 * const vgl = findVirtualGl();
 * if ("vglrun" in vgl) for (const d of await eglDevices(vgl.vglrun)) console.log(d.id, d.renderer);
 * ```
 */
export async function eglDevices(vglrun: string, env?: Record<string, string>): Promise<EglDevice[]> {
  const eglinfo = `${vglrun.slice(0, vglrun.lastIndexOf("/"))}/eglinfo`;
  const list = await run(eglinfo, ["-e"], env);
  if (!list) return [];
  const devices = parseEglDeviceList(list);
  for (const device of devices) {
    const info = await run(eglinfo, ["-B", device.id], env);
    device.renderer = info?.match(/OpenGL renderer string: (.*)/)?.[1]?.trim();
  }
  return devices;
}

/**
 * Parses `eglinfo -e` (`EGL device ID: egl0 or egl, DRI device path: /dev/dri/card0` per line).
 *
 * @example
 * ```ts
 * import { parseEglDeviceList } from "./virtualgl.ts";
 * parseEglDeviceList("EGL device ID: egl0 or egl, DRI device path: /dev/dri/card1\n");
 * // [{ id: "egl0", dri: "/dev/dri/card1" }]
 * ```
 */
export function parseEglDeviceList(text: string): EglDevice[] {
  const devices: EglDevice[] = [];
  for (const line of text.split("\n")) {
    const m = line.match(/^EGL device ID: (egl\d+)(?: or egl)?(?:, DRI device path: (\S+))?/);
    if (m) devices.push(m[2] ? { id: m[1], dri: m[2] } : { id: m[1] });
  }
  return devices;
}

/**
 * Whether a renderer string is a CPU rasterizer (Mesa's llvmpipe/softpipe), not a GPU.
 *
 * @example
 * ```ts
 * import { isSoftwareRenderer } from "./virtualgl.ts";
 * isSoftwareRenderer("llvmpipe (LLVM 15.0.6, 256 bits)"); // true
 * ```
 */
export function isSoftwareRenderer(renderer: string | undefined): boolean {
  return renderer !== undefined && /llvmpipe|softpipe|swrast|software/i.test(renderer);
}

function executable(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && (info.mode! & 0o111) !== 0;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[], env?: Record<string, string>): Promise<string | null> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(10_000),
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout) : null;
  } catch {
    return null;
  }
}
