// Fuzzing the WebRTC data channel in-process (issue 14, target 2; the target is in _datachannel_target.ts),
// in two Web Workers (CI's 2 cores).
import { runSharded } from "./_shards.ts";
import { assertClean } from "./_run.ts";

Deno.test("fuzz: the data channel takes 100 000 hostile messages through IPC, peer and viewer; view-only ones change nothing", async () => {
  assertClean(
    await runSharded(new URL("./_datachannel_target.ts", import.meta.url).href, "dataChannelTarget"),
  );
});
