/**
 * A real coturn TURN server for tests, in `use-auth-secret` mode (the TURN REST credentials the
 * gateway mints), on free ports; the secret lives in a 0600 config file, never in argv.
 *
 * @module
 */
import { newSecret, writePrivateFile } from "../../secrets.ts";
import { delay } from "../fixtures/async.ts";
import { freePort } from "../fixtures/net.ts";

/** Options of {@linkcode startCoturn}. */
export interface CoturnOptions {
  /** Address to listen and relay on. @default {"127.0.0.1"} */
  ip?: string;
  /** Shared secret. @default {a fresh `newSecret()`} */
  secret?: string;
}

/** A running coturn. */
export interface Coturn extends AsyncDisposable {
  /** The `turn:` URL (UDP). */
  url: string;
  /** The shared secret (give it to the gateway). */
  secret: string;
  /** Its log so far (allocations, refusals). */
  log(): Promise<string>;
  /** Stops coturn and removes its folder. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts coturn and resolves once it listens.
 *
 * @example
 * ```ts
 * import { startCoturn } from "./coturn.ts";
 * await using turn = await startCoturn();
 * console.log(turn.url);
 * ```
 */
export async function startCoturn(options: CoturnOptions = {}): Promise<Coturn> {
  const ip = options.ip ?? "127.0.0.1";
  const secret = options.secret ?? newSecret();
  const port = freePort(ip); // coturn also binds UDP on it; a collision is unlikely
  const relayBase = 20000 + Math.floor(Math.random() * 40000);
  const dir = await Deno.makeTempDir({ prefix: "selkies-coturn-" });
  await writePrivateFile(
    `${dir}/turnserver.conf`,
    `use-auth-secret\nstatic-auth-secret=${secret}\nrealm=selkies\n`,
  );
  const child = new Deno.Command("turnserver", {
    args: [
      "-c",
      `${dir}/turnserver.conf`,
      `--listening-ip=${ip}`,
      `--relay-ip=${ip}`,
      `--listening-port=${port}`,
      `--min-port=${relayBase}`,
      `--max-port=${relayBase + 200}`,
      `--userdb=${dir}/turndb`,
      "--no-tls",
      "--no-dtls",
      "--no-cli",
      "--allow-loopback-peers",
      `--log-file=${dir}/turn.log`,
      "--simple-log",
      `--pidfile=${dir}/turn.pid`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const log = () => Deno.readTextFile(`${dir}/turn.log`).catch(() => "");
  for (let i = 0; i < 100 && !/listener opened on|Total (UDP|General) servers/i.test(await log()); i++) {
    await delay(50);
  }
  return { url: `turn:${ip}:${port}?transport=udp`, secret, log, stop, [Symbol.asyncDispose]: stop };
}
