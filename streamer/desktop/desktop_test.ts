import assert from "node:assert/strict";
import { startTestDisplay } from "../../tests/fixtures/xvfb.ts";
import { waitFor } from "../../tests/fixtures/async.ts";
import { ProcessGroup } from "../process/group.ts";
import { startDesktop } from "./desktop.ts";
import { DesktopError } from "./errors.ts";

Deno.test("desktop: openbox + xterm by default, GL off here with a reason", async () => {
  const x = await startTestDisplay();
  try {
    const info = await startDesktop({ display: x.display, gl: "auto", group: x.group });
    assert.equal(info.glMode, "off");
    // Without VirtualGL: not installed; with it (.tools/virtualgl): only llvmpipe's EGL device, not a GPU.
    assert.match(info.reason, /vglrun|no GPU among the EGL devices/);
    await waitFor(
      "an xterm window",
      async () => (await x.run("xdotool", ["search", "--class", "xterm"])).code === 0,
    );
    await waitFor(
      "openbox",
      async () => (await x.run("xprop", ["-root", "_NET_SUPPORTING_WM_CHECK"])).stdout.includes("window id"),
    );
  } finally {
    await x.stop();
  }
});

Deno.test("desktop: one app runs maximized; its command line reaches bash unaltered", async () => {
  const x = await startTestDisplay();
  const dir = await Deno.makeTempDir();
  try {
    const marker = `${dir}/it's "quoted" $HOME.txt`;
    const app = `touch ${JSON.stringify(marker).replaceAll("$", "\\$")} && exec xterm -T 'my app'`;
    await startDesktop({ display: x.display, app, gl: "off", group: x.group });
    const id = await waitFor("the app window", async () => {
      const out = await x.run("xdotool", ["search", "--name", "^my app$"]);
      return out.code === 0 && out.stdout.trim().split("\n")[0];
    });
    await Deno.stat(marker);
    const geometry = await waitFor("maximized", async () => {
      const g = (await x.run("xdotool", ["getwindowgeometry", id])).stdout;
      return g.includes("1280x720") && g;
    });
    assert.match(geometry, /Geometry: 1280x720/);
  } finally {
    await x.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("desktop: clear errors for a missing container runtime, forced VirtualGL, app + desktop", async () => {
  const group = new ProcessGroup();
  const display = {
    name: ":999",
    number: 999,
    xauthority: "/nonexistent/Xauthority",
    env: {},
    stop: async () => {},
  };
  try {
    await assert.rejects(
      () => startDesktop({ display, image: "/x.sif", gl: "off", group }),
      (e) => e instanceof DesktopError && /apptainer nor singularity/.test(e.message),
    );
    await assert.rejects(
      () => startDesktop({ display, gl: "virtualgl-egl", virtualglPath: "/nonexistent/vgl", group }),
      (e) =>
        e instanceof DesktopError &&
        /virtualgl-egl asked for, but virtualglPath \/nonexistent\/vgl has no vglrun/.test(e.message),
    );
    await assert.rejects(() => startDesktop({ display, app: "a", desktop: "b", group }), DesktopError);
    assert.equal(group.children.length, 0);
  } finally {
    await group.stop();
  }
});
