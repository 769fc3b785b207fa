/**
 * A real coturn TURN server for tests, in `use-auth-secret` mode (the TURN REST credentials the
 * gateway mints), on free ports; the secret lives in a 0600 config file, never in argv.
 *
 * @module
 */
import { createServer } from "node:net";
import { newSecret, writePrivateFile } from "../../secrets.ts";

/** Options of {@linkcode startCoturn}. */
export interface CoturnOptions {
  /** Address to listen and relay on. @default {"127.0.0.1"} */
  ip?: string;
  /** Shared secret. @default {a random UUID} */
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

/** A TCP port free on `ip` right now (coturn also binds UDP on it; collisions are unlikely). */
export function freePort(ip = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, ip, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on("error", reject);
  });
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
  const port = await freePort(ip);
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
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `turn:${ip}:${port}?transport=udp`, secret, log, stop, [Symbol.asyncDispose]: stop };
}
