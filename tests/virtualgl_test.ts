/**
 * A GLX program as the session's app under VirtualGL's EGL back end: on this box through Mesa's software EGL
 * device (llvmpipe), on a GPU node the same path renders on the GPU (docs/gpu.md). Needs VirtualGL
 * (scripts/virtualgl.sh builds it into .tools/virtualgl) and mesa-utils' glxgears; fails, saying what to run, without.
 */
import assert from "node:assert/strict";
import { SessionSettingsSchema } from "../jobs/session.ts";
import { startSession } from "../streamer/session/session.ts";
import { findVirtualGl } from "../streamer/desktop/virtualgl.ts";
import { onPath } from "../streamer/desktop/_path.ts";
import { launchBrowser } from "./fixtures/browser.ts";
import { waitFor } from "./fixtures/async.ts";
import { expectPixel } from "./fixtures/session.ts";
import type { Win } from "./fixtures/client_browser.ts";

const vgl = findVirtualGl();
const missing = !("vglrun" in vgl)
  ? vgl.reason
  : onPath("glxgears") === null
  ? "glxgears (mesa-utils) is not installed"
  : null;
/** VirtualGL is part of the test set-up (scripts/install.sh builds the vendored source): its absence fails. */
function needVirtualGl(): void {
  if (missing) {
    throw new Error(`${missing}: run scripts/install.sh (it builds VirtualGL into .tools/virtualgl)`);
  }
}

/** VirtualGL's logo (VGL_LOGO=1): 74x29 pixels, 1 pixel from the bottom-right corner, XORed onto each frame. */
const LOGO = { width: 74, height: 29 };
/** Inside the logo's solid top stroke (columns 35-42 of rows 0-2), XOR (113,162,117) over glxgears' black. */
const LOGO_PIXEL = { dx: 38, dy: 1, rgb: [113, 162, 117] };

Deno.test({
  name:
    "virtualgl: glxgears as the app renders through vglrun's EGL back end, and its frames reach the browser",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    needVirtualGl();
    const dir = await Deno.makeTempDir({ prefix: "selkies-vgl-test-" });
    const [width, height] = [640, 480];
    const settings = SessionSettingsSchema.parse({
      geometry: `${width}x${height}`,
      fps: 15,
      audio: false,
      encoding: "video",
      gl: "virtualgl-egl",
      app: `VGL_VERBOSE=1 VGL_LOGO=1 exec glxgears -fullscreen >${dir}/gears.log 2>${dir}/vgl.log`,
    });
    const session = await startSession(settings, {});
    const browser = await launchBrowser({ viewport: { width, height } }).catch(async (error) => {
      await session.stop();
      throw error;
    });
    try {
      // GL calls go through VirtualGL: its faker opened the EGL device, and is loaded in the app.
      const log = await waitFor("VirtualGL's EGL device line", async () => {
        const text = await Deno.readTextFile(`${dir}/vgl.log`).catch(() => "");
        return /\[VGL\] Opening EGL device egl\d*/.test(text) && text;
      }, 20_000);
      assert.match(log, /VirtualGL v3\.1\.4/);
      const pid = await waitFor("the glxgears process", () => appPid(session.display.name), 10_000);
      const maps = await Deno.readTextFile(`/proc/${pid}/maps`);
      assert.match(maps, /libvglfaker\.so/, "glxgears runs with VirtualGL's faker preloaded");
      // glxgears animates: it reports its frame rate every 5 s.
      const rate = await waitFor("glxgears' fps line", async () => {
        const text = await Deno.readTextFile(`${dir}/gears.log`).catch(() => "");
        return text.match(/(\d+) frames in [\d.]+ seconds/)?.[0];
      }, 30_000);
      assert.ok(Number(rate.split(" ")[0]) > 0, rate);

      const page = await browser.context.newPage();
      await page.goto(`${session.url}&transport=websocket`);
      const frames = () => page.evaluate(() => (globalThis as Win).selkiesStats?.framesDecoded ?? 0);
      const first = await waitFor("decoded frames", frames, 20_000);
      // Frames keep coming (the gears move; an idle screen would send none), and they carry VirtualGL's logo:
      // the picture in the browser is VirtualGL's read-back frame.
      await waitFor("more decoded frames", async () => (await frames()) >= first + 10, 30_000);
      await expectPixel(
        page,
        width - LOGO.width - 1 + LOGO_PIXEL.dx,
        height - LOGO.height - 1 + LOGO_PIXEL.dy,
        LOGO_PIXEL.rgb,
      );
    } finally {
      await browser.close();
      await session.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "virtualgl: doctor reports VirtualGL's path, version and EGL back end",
  async fn() {
    needVirtualGl();
    const out = await new Deno.Command(new URL("../selkies-hpc", import.meta.url).pathname, {
      args: ["doctor", "--json"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const report = JSON.parse(new TextDecoder().decode(out.stdout));
    const check = report.checks.find((c: { name: string }) => c.name === "virtualgl");
    assert.equal(check?.status, "ok", JSON.stringify(check));
    assert.ok(check.detail.startsWith("vglrun" in vgl ? vgl.vglrun : "?"), check.detail);
    assert.match(check.detail, /VirtualGL v3\.1\.4/);
    // Here the only EGL device is llvmpipe: VirtualGL works, but there is no GPU to put it on.
    assert.match(check.detail, /EGL back end (on egl\d+ \(NVIDIA|has no GPU: .*llvmpipe)/);
  },
});

/** The glxgears this test started: the one on our display with the logo switched on. */
function appPid(display: string): number | undefined {
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      if (Deno.readTextFileSync(`/proc/${entry.name}/comm`).trim() !== "glxgears") continue;
      const env = Deno.readTextFileSync(`/proc/${entry.name}/environ`).split("\0");
      if (env.includes(`DISPLAY=${display}`) && env.includes("VGL_LOGO=1")) return Number(entry.name);
    } catch {
      // gone, or not ours
    }
  }
  return undefined;
}
