/**
 * The gateway under measurement, in its own process so its CPU time and RSS can be read from /proc:
 * its options (runGateway's, as JSON) come in SELKIES_BENCH_GATEWAY; it prints its URL on stdout;
 * SIGTERM stops it, SIGUSR1 runs the garbage collector.
 *
 * @module
 */
import { runGateway } from "../../web/gateway/mod.ts";

if (import.meta.main) {
  const settings = JSON.parse(Deno.env.get("SELKIES_BENCH_GATEWAY") ?? "{}");
  const stop = new AbortController();
  Deno.addSignalListener("SIGTERM", () => stop.abort());
  // SIGUSR1 collects garbage (run with --v8-flags=--expose-gc) so RSS readings show live memory.
  const gc = (globalThis as { gc?: () => void }).gc;
  Deno.addSignalListener("SIGUSR1", () => gc?.());
  const gw = await runGateway({ port: 0, ...settings, signal: stop.signal });
  console.log(gw.url);
  await gw.finished;
}
