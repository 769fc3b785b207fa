import assert from "node:assert/strict";
import { findVirtualGl, isSoftwareRenderer, parseEglDeviceList } from "./virtualgl.ts";

Deno.test("parseEglDeviceList reads VirtualGL's eglinfo -e, with and without DRM files", () => {
  assert.deepEqual(
    parseEglDeviceList(
      "EGL device ID: egl0 or egl, DRI device path: /dev/dri/card1\nEGL device ID: egl1\nnoise\n",
    ),
    [{ id: "egl0", dri: "/dev/dri/card1" }, { id: "egl1" }],
  );
  assert.deepEqual(parseEglDeviceList(""), []);
  assert.equal(isSoftwareRenderer("llvmpipe (LLVM 15.0.6, 256 bits)"), true);
  assert.equal(isSoftwareRenderer("NVIDIA H200/PCIe/SSE2"), false);
  assert.equal(isSoftwareRenderer(undefined), false);
});

Deno.test("findVirtualGl: the site's path (prefix, bin or vglrun) first, a wrong one is an error, then PATH", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/opt/bin`, { recursive: true });
    await Deno.writeTextFile(`${dir}/opt/bin/vglrun`, "#!/bin/sh\n");
    await Deno.chmod(`${dir}/opt/bin/vglrun`, 0o755);
    for (const setting of [`${dir}/opt`, `${dir}/opt/bin`, `${dir}/opt/bin/vglrun`]) {
      assert.deepEqual(findVirtualGl(setting, ""), {
        vglrun: `${dir}/opt/bin/vglrun`,
        from: "virtualglPath",
      });
    }
    const wrong = findVirtualGl(`${dir}/nowhere`, `${dir}/opt/bin`);
    assert.ok("reason" in wrong && /virtualglPath .*nowhere has no vglrun/.test(wrong.reason));
    assert.deepEqual(findVirtualGl(undefined, `/nonexistent:${dir}/opt/bin`), {
      vglrun: `${dir}/opt/bin/vglrun`,
      from: "PATH",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
