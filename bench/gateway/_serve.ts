/**
 * The gateway under measurement, in its own process so its CPU time and RSS can be read from /proc:
 * settings come as JSON in SELKIES_BENCH_GATEWAY; prints its URL on stdout; SIGTERM stops it, SIGUSR1
 * runs the garbage collector.
 *
 * @module
 */
import { runGateway } from "../../web/gateway/mod.ts";

const settings = JSON.parse(Deno.env.get("SELKIES_BENCH_GATEWAY") ?? "{}");
const stop = new AbortController();
Deno.addSignalListener("SIGTERM", () => stop.abort());
// SIGUSR1 collects garbage (run with --v8-flags=--expose-gc) so RSS readings show live memory.
const gc = (globalThis as { gc?: () => void }).gc;
Deno.addSignalListener("SIGUSR1", () => gc?.());
const gw = await runGateway({
  mode: "site",
  auth: { mode: "token" },
  port: 0,
  mungeSocket: settings.mungeSocket,
  slurmEnv: settings.slurmEnv,
  signal: stop.signal,
});
console.log(gw.url);
await gw.finished;
