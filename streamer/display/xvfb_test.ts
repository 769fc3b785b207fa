import assert from "node:assert/strict";
import { startTestDisplay } from "../../tests/fixtures/xvfb.ts";

Deno.test("Xvfb display: private to its owner, cookie 0600, no TCP, requested size", async (t) => {
  const x = await startTestDisplay();
  try {
    const { display } = x;
    await t.step("the owner's clients connect and see the requested size", async () => {
      const info = await x.run("xdpyinfo", []);
      assert.equal(info.code, 0, info.stderr);
      assert.match(info.stdout, /dimensions:\s+1280x720 pixels/);
      for (const ext of ["RANDR", "XTEST", "XFIXES", "DAMAGE", "GLX"]) {
        assert.match(info.stdout, new RegExp(ext));
      }
    });
    await t.step("cookie file is 0600 in a 0700 folder, and holds an entry for the display", async () => {
      assert.equal((await Deno.stat(display.xauthority)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(x.runtimeDir)).mode! & 0o777, 0o700);
      const list = await x.run("xauth", ["-f", display.xauthority, "list"]);
      assert.match(list.stdout, new RegExp(`unix${display.name}\\s+MIT-MAGIC-COOKIE-1\\s+[0-9a-f]{32}`));
    });
    await t.step("another local user is refused, even with the display name", async () => {
      const out = await new Deno.Command("runuser", {
        args: ["-u", "nobody", "--", "xdpyinfo", "-display", display.name],
        env: { XAUTHORITY: "/nonexistent" },
        stdout: "null",
        stderr: "piped",
      }).output();
      assert.notEqual(out.code, 0);
      assert.match(new TextDecoder().decode(out.stderr), /unable to open display|Authorization/i);
      // And without any cookie, root (same uid as the server, no local-user exemption) is refused too.
      const noCookie = await new Deno.Command("xdpyinfo", {
        args: ["-display", display.name],
        env: { XAUTHORITY: "/nonexistent" },
        stdout: "null",
        stderr: "null",
      }).output();
      assert.notEqual(noCookie.code, 0);
    });
    await t.step("no TCP listener for the display, and the cookie is not in Xvfb's argv", async () => {
      const port = (6000 + display.number).toString(16).toUpperCase().padStart(4, "0");
      for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
        const listening = (await Deno.readTextFile(file)).split("\n").filter((l) =>
          l.split(/\s+/)[2]?.endsWith(`:${port}`) && l.split(/\s+/)[4] === "0A"
        );
        assert.deepEqual(listening, [], file);
      }
      const cookie = (await x.run("xauth", ["-f", display.xauthority, "list"])).stdout.split(/\s+/)[2];
      const xvfb = x.group.children.find((c) => c.name === "Xvfb")!;
      const argv = await Deno.readTextFile(`/proc/${xvfb.pid}/cmdline`);
      assert.ok(argv.includes("-nolisten\0tcp"));
      assert.ok(!argv.includes(cookie));
    });
  } finally {
    await x.stop();
  }
});

Deno.test("two displays started at once get different numbers", async () => {
  const [a, b] = await Promise.all([startTestDisplay(), startTestDisplay()]);
  try {
    assert.notEqual(a.display.number, b.display.number);
    assert.equal((await a.run("xdpyinfo", [])).code, 0);
    assert.equal((await b.run("xdpyinfo", [])).code, 0);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});
