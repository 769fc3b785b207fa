// Fuzzing the HTTP routes in-process (issue 14, target 4; the targets are in _http_targets.ts), in Web
// Workers (two for a target: CI's 2 cores).
import { runSharded } from "./_shards.ts";
import { assertClean } from "./_run.ts";

const targets = new URL("./_http_targets.ts", import.meta.url).href;

Deno.test("fuzz: the gateway's routes take 100 000 hostile requests: no 5xx, nothing granted without a credential", async () => {
  // Its 2-part input stream found `GET /s/%00` answering 500 (the redirect put the decoded id in Location).
  assertClean(await runSharded(targets, "gatewayRoutesTarget"));
});

Deno.test("fuzz: the streamer's routes take 100 000 hostile requests: no 5xx, nothing granted without a credential", async () => {
  assertClean(await runSharded(targets, "streamerRoutesTarget"));
});
