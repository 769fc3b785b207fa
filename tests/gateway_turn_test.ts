/** TURN REST credentials minted by the gateway, checked against a real coturn with use-auth-secret. */
import assert from "node:assert/strict";
import { newSecret, writePrivateFile } from "../secrets.ts";
import { mintTurnCredential } from "../web/gateway/mod.ts";
import { delay } from "./fixtures/async.ts";
import { freePort } from "./fixtures/net.ts";

Deno.test("coturn accepts minted credentials and refuses forged or expired ones", async () => {
  const secret = newSecret();
  const port = freePort();
  const dir = await Deno.makeTempDir();
  const conf = `${dir}/turnserver.conf`;
  // The secret goes into a 0600 config file, never into argv.
  await writePrivateFile(conf, `use-auth-secret\nstatic-auth-secret=${secret}\nrealm=selkies\n`);
  const turn = new Deno.Command("turnserver", {
    args: ["-c", conf, "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", `--listening-port=${port}`]
      .concat([
        "--no-tls",
        "--no-dtls",
        "--no-cli",
        "--log-file=stdout",
        "--simple-log",
        "--allow-loopback-peers",
      ])
      .concat(["--min-port=49200", "--max-port=49300", `--pidfile=${dir}/turn.pid`]),
    stdout: "null",
    stderr: "null",
  }).spawn();
  const allocate = async (username: string, credential: string) => {
    const out = await new Deno.Command("turnutils_uclient", {
      args: [
        "-y",
        "-n",
        "1",
        "-m",
        "1",
        "-l",
        "100",
        "-u",
        username,
        "-w",
        credential,
        "-p",
        String(port),
        "127.0.0.1",
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(15_000),
    }).output();
    return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  };
  try {
    await delay(700);
    const good = mintTurnCredential(secret, "ada", 600);
    assert.match(good.username, /^\d{10}:ada$/);
    assert.match(await allocate(good.username, good.credential), /Total lost packets 0 \(0\.000000%\)/);
    const forged = mintTurnCredential("not-the-secret", "ada", 600);
    assert.match(await allocate(forged.username, forged.credential), /Cannot complete Allocation/);
    const expired = mintTurnCredential(secret, "ada", 600, Date.now() - 3600_000);
    assert.match(await allocate(expired.username, expired.credential), /Cannot complete Allocation/);
  } finally {
    turn.kill("SIGTERM");
    await turn.status;
    await Deno.remove(dir, { recursive: true });
  }
});
