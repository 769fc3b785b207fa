/**
 * Two sessions on one GPU under VirtualGL do not see each other's frames: both run glxspheres64 full screen
 * on the same EGL device at once, only session A with VirtualGL's logo (VGL_LOGO=1, XORed into every frame
 * VirtualGL reads back, at the bottom right where glxspheres' background is black). Each session grabs its own
 * X screen: A's must carry the logo, B's must not (a frame of A's on B's screen would bring it along), and
 * both must show the spheres.
 *
 * @module
 */
import { startStream } from "../tests/fixtures/stream.ts";
import { delay } from "../tests/fixtures/async.ts";

/** What one session's screen showed. */
export interface ScreenFinding {
  /** Pixels of VirtualGL's logo colour (113,162,117 over black) in the 76x31 bottom-right corner. */
  logoPixels: number;
  /** Share of the screen that is not black (the spheres). */
  drawn: number;
}

/** The outcome of {@linkcode measureIsolation}. */
export interface IsolationResult {
  /** Session A (logo on) and B (logo off). */
  a: ScreenFinding;
  b: ScreenFinding;
  /** GL processes nvidia-smi listed while both ran (null without nvidia-smi). */
  gpuProcesses: number | null;
  /** Whether A shows its logo and spheres, and B its spheres without A's logo. */
  pass: boolean;
}

const [WIDTH, HEIGHT] = [1920, 1080];

/**
 * Runs the two sessions and reads their screens.
 *
 * @example
 * ```ts
 * import { measureIsolation } from "./_gpu_isolation.ts";
 * console.log((await measureIsolation()).pass);
 * ```
 */
export async function measureIsolation(): Promise<IsolationResult> {
  const dir = await Deno.makeTempDir({ prefix: "selkies-gpu-isolation-" });
  const shot = (name: string) => `${dir}/shot-${name}.rgbx`;
  // The grab runs outside VirtualGL's faker (vglrun preloads it into the whole desktop command).
  const desktop = (name: string, logo: boolean) =>
    `VGL_LOGO=${
      logo ? 1 : 0
    } glxspheres64 -fs >/dev/null 2>&1 & sleep 8; env -u LD_PRELOAD gst-launch-1.0 -q ` +
    `ximagesrc use-damage=false num-buffers=1 ! videoconvert ! video/x-raw,format=RGBx ! ` +
    `filesink location=${shot(name)}; wait`;
  const start = (name: string, logo: boolean) =>
    startStream({
      geometry: `${WIDTH}x${HEIGHT}`,
      fps: 30,
      desktop: desktop(name, logo),
      dir: `${dir}/${name}`,
      args: ["--encoding", "video", "--gl", "virtualgl-egl"],
    });
  await Deno.mkdir(`${dir}/a`);
  await Deno.mkdir(`${dir}/b`);
  const sessions = await Promise.all([start("a", true), start("b", false)]);
  try {
    let gpuProcesses: number | null = null;
    for (let i = 0; i < 60 && !(await exists(shot("a")) && await exists(shot("b"))); i++) {
      if (i === 10) gpuProcesses = await smiCount();
      await delay(500);
    }
    const [a, b] = [await readScreen(shot("a")), await readScreen(shot("b"))];
    const pass = a.logoPixels >= 300 && b.logoPixels === 0 && a.drawn > 0.05 && b.drawn > 0.05;
    return { a, b, gpuProcesses, pass };
  } finally {
    await Promise.all(sessions.map((s) => s.stop()));
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

async function readScreen(path: string): Promise<ScreenFinding> {
  const data = await Deno.readFile(path).catch(() => new Uint8Array());
  if (data.length !== WIDTH * HEIGHT * 4) return { logoPixels: -1, drawn: 0 };
  let logoPixels = 0;
  for (let y = HEIGHT - 31; y < HEIGHT; y++) {
    for (let x = WIDTH - 76; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 4;
      const near = [113, 162, 117].every((v, k) => Math.abs(data[i + k] - v) <= 8);
      if (near) logoPixels++;
    }
  }
  let drawn = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] > 16 || data[i + 1] > 16 || data[i + 2] > 16) drawn++;
  return { logoPixels, drawn: drawn / (WIDTH * HEIGHT) };
}

async function exists(path: string): Promise<boolean> {
  return (await Deno.stat(path).catch(() => null))?.size === WIDTH * HEIGHT * 4;
}

async function smiCount(): Promise<number | null> {
  try {
    const out = await new Deno.Command("nvidia-smi", { stdout: "piped", stderr: "null" }).output();
    return (new TextDecoder().decode(out.stdout).match(/glxspheres64/g) ?? []).length;
  } catch {
    return null;
  }
}
