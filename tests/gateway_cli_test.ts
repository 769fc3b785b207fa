/**
 * `selkies-hpc gateway` as a user runs it (subprocess: config errors, hash-password, SIGTERM), and the
 * personal portal launching and cancelling a real job on the SLURM harness.
 */
import assert from "node:assert/strict";
import { startSlurmCluster } from "./harness/slurm.ts";
import { waitJobState } from "./harness/gateway.ts";
import { hashPassword, jobsPortal, runGateway, verifyPassword } from "../web/gateway/mod.ts";

const CLI = new URL("../selkies-hpc", import.meta.url).pathname;
const text = new TextDecoder();

async function cli(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(CLI, { args, stdin: "piped", stdout: "piped", stderr: "piped" }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const out = await child.output();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

Deno.test("gateway command: hash-password, config errors, graceful SIGTERM", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "selkies-gwcli-" });
  try {
    await t.step("hash-password reads stdin and prints a hash that verifies", async () => {
      const { code, stdout } = await cli(["gateway", "hash-password"], "correct horse\n");
      assert.equal(code, 0);
      assert.ok(await verifyPassword("correct horse", stdout.trim()));
      assert.equal((await cli(["gateway", "hash-password"], "")).code, 1);
    });

    await t.step("bad configs exit 1 with a message naming the field", async () => {
      const cases: [string, RegExp][] = [
        ["mode: bogus\n", /mode: Invalid option/],
        ["auth: {basic: {users: {ada: plain}}}\n", /user ada has no password hash/],
        ["auth: {header: {trustedProxies: []}}\n", /trustedProxies: list the addresses/],
        ["turn: {urls: ['turn:x:3478'], secret: a, secretFile: /x}\n", /exactly one of turn.secret/],
        ["listen: [\n", /not valid YAML/],
      ];
      for (const [yaml, expected] of cases) {
        await Deno.writeTextFile(`${dir}/gw.yaml`, yaml);
        const { code, stderr } = await cli(["gateway", "--config", `${dir}/gw.yaml`]);
        assert.equal(code, 1, stderr);
        assert.match(stderr, expected);
      }
      assert.equal((await cli(["gateway", "--config", `${dir}/missing.yaml`])).code, 1);
    });

    await t.step("a TURN secret file readable by others is refused", async () => {
      await Deno.writeTextFile(`${dir}/turn.secret`, "0123456789abcdef0123", { mode: 0o644 });
      await Deno.chmod(`${dir}/turn.secret`, 0o644);
      await Deno.writeTextFile(
        `${dir}/gw.yaml`,
        `turn: {urls: ["turn:127.0.0.1:3478"], secretFile: ${dir}/turn.secret}\n`,
      );
      const { code, stderr } = await cli(["gateway", "--config", `${dir}/gw.yaml`]);
      assert.equal(code, 1);
      assert.match(stderr, /chmod 600/);
      assert.doesNotMatch(stderr, /0123456789abcdef/);
    });

    await t.step("it serves with V8's young generation capped, then stops cleanly on SIGTERM", async () => {
      const child = new Deno.Command(CLI, {
        args: ["gateway", "--port", "0", "--mode", "site"],
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
      let log = "";
      while (!/public URL (\S+)/.test(log)) {
        const { value, done } = await reader.read();
        if (done) break;
        log += value;
      }
      const url = log.match(/public URL (\S+)/)?.[1];
      assert.ok(url, log);
      assert.equal(await (await fetch(`${url}healthz`)).text(), "ok\n");
      // The launcher caps V8's young generation for the gateway (docs/reliability.md).
      const cmdline = await Deno.readTextFile(`/proc/${child.pid}/cmdline`);
      assert.match(cmdline, /--v8-flags=--max-semi-space-size=1\0/);
      child.kill("SIGTERM");
      while (!(await reader.read()).done);
      assert.equal((await child.status).code, 0);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("personal portal launches and cancels a real job", async () => {
  const cluster = await startSlurmCluster();
  const dir = await Deno.makeTempDir({ prefix: "selkies-portal-" });
  const password = crypto.randomUUID();
  try {
    await Deno.writeTextFile(
      `${dir}/site.yaml`,
      `limits: {allowedPartitions: [${cluster.partition}], maxTime: "00:10:00"}\n` +
        `defaults: {partition: ${cluster.partition}, time: "00:05:00"}\n`,
    );
    let url = "";
    const portal = await jobsPortal({
      gatewayUrl: () => url,
      slurmEnv: cluster.env,
      siteConfigPath: `${dir}/site.yaml`,
      sessionsRoot: `${dir}/sessions`,
    });
    const gw = await runGateway({
      mode: "personal",
      auth: { mode: "basic", users: { root: await hashPassword(password) } },
      port: 0,
      mungeSocket: cluster.mungeSocket,
      slurmEnv: cluster.env,
      portal,
    });
    url = gw.url;
    try {
      const auth = { authorization: `Basic ${btoa(`root:${password}`)}` };
      const page = await (await fetch(gw.url, { headers: auth })).text();
      assert.match(page, new RegExp(`<option selected>${cluster.partition}</option>`));
      assert.match(page, /name="time" value="00:05:00"/);

      const overLimit = await fetch(`${gw.url}api/launch`, {
        method: "POST",
        headers: auth,
        body: new URLSearchParams({ time: "02:00:00" }),
      });
      assert.equal(overLimit.status, 400);
      assert.match(await overLimit.text(), /time/);

      const crossSite = await fetch(`${gw.url}api/launch`, {
        method: "POST",
        headers: { ...auth, origin: "https://evil.example" },
        body: new URLSearchParams({}),
      });
      await crossSite.body?.cancel();
      assert.equal(crossSite.status, 403);

      const launched = await fetch(`${gw.url}api/launch`, {
        method: "POST",
        headers: auth,
        body: new URLSearchParams({ geometry: "1280x720" }),
      });
      const body = await launched.text();
      const jobId = body.match(/Submitted job (\d+)/)?.[1];
      assert.ok(jobId, body);
      const scontrol = await new Deno.Command("scontrol", {
        args: ["show", "job", "-o", jobId],
        env: cluster.env,
        stdout: "piped",
      }).output();
      const job = text.decode(scontrol.stdout);
      assert.match(job, /Comment=selkies-hpc/);
      const script = await Deno.readTextFile(
        (await Array.fromAsync(Deno.readDir(`${dir}/sessions`))).map((e) =>
          `${dir}/sessions/${e.name}/job.sh`
        )[0],
      );
      assert.match(script, new RegExp(`--gateway '?${gw.url.replace(/[.]/g, "\\.")}`));
      assert.match(await (await fetch(gw.url, { headers: auth })).text(), new RegExp(`<td>${jobId}</td>`));

      const other = await fetch(`${gw.url}api/cancel/999999`, { method: "POST", headers: auth });
      await other.body?.cancel();
      assert.equal(other.status, 403);
      const cancel = await fetch(`${gw.url}api/cancel/${jobId}`, {
        method: "POST",
        headers: auth,
        redirect: "manual",
      });
      await cancel.body?.cancel();
      assert.equal(cancel.status, 303);
      await waitJobState(cluster, jobId, "CANCELLED");
    } finally {
      await gw.stop();
    }
  } finally {
    await cluster.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
