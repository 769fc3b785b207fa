/**
 * A session whose media gives up (the shared worker keeps dying, as an encoder that cannot start would) ends
 * like one whose X server died: `died` resolves, and its viewers are told why before it goes.
 */
import assert from "node:assert/strict";
import { SessionSettingsSchema } from "../../jobs/session.ts";
import { startSession } from "./session.ts";
import { localAllocation } from "../../jobs/allocation.ts";
import { SelkiesError } from "../../errors.ts";
import { delay, waitFor } from "../../tests/fixtures/async.ts";
import { connectViewer, startTestSession, type TestViewer } from "../../tests/fixtures/session.ts";

Deno.test("media that keeps failing ends the session: died resolves and the viewer gets a notice", async () => {
  const session = await startTestSession({ geometry: "640x480", fps: 15 });
  let viewer: TestViewer | undefined;
  try {
    viewer = connectViewer(session);
    const { messages } = viewer;
    await viewer.opened;
    await waitFor("the hello", () => messages.some((m) => m.t === "hello"), 10_000);
    const hello = messages.find((m) => m.t === "hello");
    const { bitrate } = SessionSettingsSchema.parse({ geometry: "640x480", fps: 15 });
    assert.equal(
      hello?.t === "hello" && hello.maxKbps,
      bitrate,
      "the hello tells the bitrate cap (adapt.ts)",
    );

    let died: string | undefined;
    session.died.then((reason) => died = reason);
    // Every shared worker dies as soon as it exists: restarted 5 times within 30 s, then given up.
    let kills = 0, last: number | undefined;
    const deadline = Date.now() + 30_000;
    while (died === undefined && Date.now() < deadline) {
      const pid = session.media.workerPid;
      if (pid !== undefined && pid !== last) {
        Deno.kill(pid, "SIGKILL");
        last = pid;
        kills++;
      }
      await delay(20);
    }
    assert.match(died ?? "not died within 30 s", /^media gave up: media worker \d+ exited \(SIGKILL\)/);
    assert.equal(kills, 6, "the sixth failure within 30 s is the last");
    for (let i = 0; i < 50 && !messages.some((m) => m.t === "notice"); i++) await delay(20);
    const notices = messages.flatMap((m) => m.t === "notice" ? [m.message] : []);
    assert.equal(notices.length, 1, `one notice: ${notices}`);
    assert.match(notices[0], /^The picture has stopped: the encoder keeps failing \(media worker \d+ exited/);
    await delay(500);
    assert.equal(session.media.workerPid, undefined, "no worker is started again");
  } finally {
    viewer?.socket.close();
    await session.stop();
  }
});

Deno.test("a gateway session outside a SLURM job is refused before anything starts, saying what to do", async () => {
  const settings = SessionSettingsSchema.parse({ audio: false, gateway: "https://gw.example" });
  const before = (await listTmpSessions()).length;
  await assert.rejects(
    () => startSession(settings, { allocation: { ...localAllocation(), jobId: undefined } }),
    (error: Error) => error instanceof SelkiesError && /needs a SLURM job/.test(error.message),
  );
  assert.equal((await listTmpSessions()).length, before, "no runtime folder was made");
});

async function listTmpSessions(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir("/tmp")) if (e.name.startsWith("selkies-session-")) names.push(e.name);
  return names;
}
