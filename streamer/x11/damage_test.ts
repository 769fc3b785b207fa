import assert from "node:assert/strict";
import { startTestDisplay } from "../../tests/fixtures/xvfb.ts";
import { delay, waitFor } from "../../tests/fixtures/async.ts";
import { openX11 } from "./session.ts";

Deno.test("onDamage on a real Xvfb: drawing fires it, a static screen and pointer motion do not", async (t) => {
  const x = await startTestDisplay();
  const session = openX11(x.display.name, x.display.xauthority);
  try {
    let fired = 0;
    session.onDamage(() => fired++);
    const draw = (colour: string) => x.run("xsetroot", ["-solid", colour]);

    await t.step("painting the root window fires it", async () => {
      await draw("red");
      await waitFor("damage after xsetroot", () => fired > 0);
    });

    await t.step("a static screen fires nothing, pointer motion included", async () => {
      await delay(200);
      fired = 0;
      for (let i = 0; i < 20; i++) {
        session.moveTo(10 + i * 17, 20 + i * 9);
        await delay(25);
      }
      await delay(500);
      assert.equal(fired, 0);
    });

    await t.step("it re-arms: every later change fires again, once per drain at most", async () => {
      for (const colour of ["green", "blue", "white"]) {
        const before = fired;
        await draw(colour);
        await waitFor(`damage after ${colour}`, () => fired > before);
      }
      const start = performance.now();
      fired = 0;
      const term = x.group.spawn("xterm", "xterm", {
        args: ["-geometry", "80x24+0+0", "-e", "sh", "-c", "while :; do date +%N; sleep 0.01; done"],
        env: x.display.env,
        stdout: "null",
        stderr: "null",
        expectExit: true,
      });
      try {
        await delay(1000);
        const polls = (performance.now() - start) / 8;
        console.log(`scrolling xterm: ${fired} callbacks in ${(performance.now() - start).toFixed(0)} ms`);
        assert.ok(fired > 10, `only ${fired} callbacks while an xterm scrolls`);
        assert.ok(fired <= polls + 2, `${fired} callbacks, more than one per poll (${polls.toFixed(0)})`);
      } finally {
        Deno.kill(-term.pid, "SIGKILL"); // its own process group: the xterm and its shell
        await term.exited;
      }
    });

    await t.step("waiting for damage (poll(2) on the socket) costs little CPU", async () => {
      const cpu = () => {
        const f = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
        return (Number(f[11]) + Number(f[12])) / 100;
      };
      const before = cpu();
      await delay(2000);
      const share = (cpu() - before) / 2;
      console.log(`waiting, idle screen: ${(share * 100).toFixed(1)}% of a core (the whole test process)`);
      assert.ok(share < 0.05, `${(share * 100).toFixed(1)}% of a core`);
    });
  } finally {
    await session.close();
    await x.stop();
  }
});
