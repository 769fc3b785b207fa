import assert from "node:assert/strict";
import { ProcessGroup } from "../process/group.ts";
import { startPulse } from "./pulse.ts";

Deno.test("PulseAudio: private socket, null sink monitor, refused to another user, no TCP", async (t) => {
  const group = new ProcessGroup({ graceMs: 1000 });
  const base = await Deno.makeTempDir();
  try {
    const pulse = await startPulse({ runtimeDir: `${base}/run`, group });
    assert.ok(pulse.server !== null, "reason" in pulse ? pulse.reason : "");
    const socket = pulse.server.slice("unix:".length);
    await t.step("the socket lives in a 0700 folder and the cookie is 0600", async () => {
      assert.ok((await Deno.stat(socket)).isSocket);
      assert.equal((await Deno.stat(`${base}/run/pulse`)).mode! & 0o777, 0o700);
      assert.equal((await Deno.stat(pulse.env.PULSE_COOKIE)).mode! & 0o777, 0o600);
    });
    await t.step(
      "the owner sees the null sink as default, the microphone as default source, the monitor",
      async () => {
        const out = await new Deno.Command("pactl", { args: ["info"], env: pulse.env }).output();
        const info = new TextDecoder().decode(out.stdout);
        assert.match(info, /Default Sink: selkies\n/);
        assert.match(info, /Default Source: selkies_mic_source\n/);
        const sources = await new Deno.Command("pactl", {
          args: ["list", "short", "sources"],
          env: pulse.env,
        }).output();
        assert.match(new TextDecoder().decode(sources.stdout), new RegExp(`\\t${pulse.monitor}\\t`));
      },
    );
    await t.step("another user is refused", async () => {
      const out = await new Deno.Command("runuser", {
        args: ["-u", "nobody", "--", "pactl", "--server", pulse.server, "info"],
        stdout: "null",
        stderr: "null",
      }).output();
      assert.notEqual(out.code, 0);
    });
    await t.step("no TCP listener belongs to pulseaudio", async () => {
      const pid = group.children.find((c) => c.name === "pulseaudio")!.pid;
      const fds = [...Deno.readDirSync(`/proc/${pid}/fd`)].map((e) => {
        try {
          return Deno.readLinkSync(`/proc/${pid}/fd/${e.name}`);
        } catch {
          return "";
        }
      });
      const inodes = fds.flatMap((l) => l.match(/^socket:\[(\d+)\]$/)?.[1] ?? []);
      assert.ok(inodes.length > 0);
      for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
        const tcpInodes = (await Deno.readTextFile(file)).split("\n").slice(1).map((l) =>
          l.trim().split(/\s+/)[9]
        );
        assert.deepEqual(inodes.filter((i) => tcpInodes.includes(i)), [], file);
      }
    });
    await pulse.stop();
  } finally {
    await group.stop();
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("PulseAudio missing: a reason, no throw", async () => {
  const group = new ProcessGroup();
  const base = await Deno.makeTempDir();
  const path = Deno.env.get("PATH")!;
  try {
    Deno.env.set("PATH", "/nonexistent");
    const pulse = await startPulse({ runtimeDir: base, group, timeoutMs: 500 });
    assert.equal(pulse.server, null);
    assert.match("reason" in pulse ? pulse.reason : "", /audio is off/);
  } finally {
    Deno.env.set("PATH", path);
    await group.stop();
    await Deno.remove(base, { recursive: true });
  }
});
