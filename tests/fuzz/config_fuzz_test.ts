// Fuzzing the configuration parsers (issue 14, target 5; the target is in _config_target.ts), in two
// threads: it is the suite's most CPU-bound target (the yaml library), and CI has 2 cores.
import { runSharded } from "./_shards.ts";
import { assertClean } from "./_run.ts";

Deno.test("fuzz: the site, user, job spec and gateway config parsers take 100 000 hostile documents", async () => {
  assertClean(await runSharded(new URL("./_config_target.ts", import.meta.url).href, "configTarget"));
});
