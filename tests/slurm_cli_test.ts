/**
 * `./selkies-hpc` submit / list / status / cancel as a user runs them, against a real one-node SLURM
 * cluster shared by this file: what users rely on (exact error messages and exit codes, per-user
 * listing, private session files, a cancel that really ends the job), and a real session job
 * running `selkies-hpc stream` whose frames Chromium decodes.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { isAlive, type SlurmCluster, startSlurmCluster } from "./harness/mod.ts";
import { launchBrowser } from "./fixtures/browser.ts";
import { delay, waitFor } from "./fixtures/async.ts";
import { type CliRun, type CliUser, cliUser } from "./fixtures/cli_user.ts";
import { KEEP_ENDED_MS } from "../jobs/prune_records.ts";
import { createSessionDir, writeRecord } from "../jobs/record.ts";

let cluster: SlurmCluster;
let user: CliUser;
let home: string;
let env: Record<string, string>;

Deno.test.beforeAll(async () => {
  cluster = await startSlurmCluster();
  user = await cliUser({ clusterEnv: cluster.env, partition: cluster.partition });
  ({ home, env } = user);
});

Deno.test.afterAll(async () => {
  await cluster?.stop();
  await user?.remove();
});

function cli(...args: string[]): Promise<CliRun> {
  return user.cli(...args);
}

async function sh(cmd: string, args: string[], stdin = ""): Promise<string> {
  const child = new Deno.Command(cmd, {
    args,
    env: cluster.env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  })
    .spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(stdin));
  await w.close();
  const out = await child.output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

/** How the tests poll SLURM, the CLI and the job's files: every 200 ms, 15 s at most. */
const POLL = { timeoutMs: 15_000, intervalMs: 200 };

const mode = async (path: string) => (await Deno.stat(path)).mode! & 0o777;

/** The session folders selkies-hpc keeps for this test's user. */
async function sessionFolders(): Promise<string[]> {
  const root = `${home}/data/selkies-hpc/sessions`;
  const entries = await Array.fromAsync(Deno.readDir(root)).catch(() => []);
  return entries.map((e) => e.name).sort();
}

Deno.test("submit --command runs it on the node; status, list and cancel follow the job", async () => {
  const sub = await user.submit(
    "00:10:00",
    "--gpus",
    "1",
    "--command",
    "echo gpus=$CUDA_VISIBLE_DEVICES job=$SLURM_JOB_ID; sleep 300",
  );
  assert.equal(sub.code, 0, sub.stderr);
  const { jobId, sessionDir } = JSON.parse(sub.stdout) as { jobId: string; sessionDir: string };
  assert.match(sub.stderr, new RegExp(`^submitted ${jobId}$`, "m"));
  assert.match(sub.stderr, new RegExp(`^running on ${cluster.nodeName}$`, "m"));

  // The session folder is private and its token leaks nowhere: not in output, record, script or argv.
  assert.equal(await mode(sessionDir), 0o700);
  assert.equal(await mode(`${sessionDir}/token`), 0o600);
  const token = (await Deno.readTextFile(`${sessionDir}/token`)).trim();
  assert.ok(token.length >= 43);
  const pids = (await sh("scontrol", ["listpids", jobId])).split("\n").slice(1).map((l) =>
    Number(l.split(/\s+/)[0])
  );
  assert.ok(pids.length > 0 && pids.every((p) => Number.isInteger(p) && p > 1), String(pids));
  assert.ok(pids.some(isAlive));
  const argvs = await Promise.all(pids.map((p) => Deno.readTextFile(`/proc/${p}/cmdline`).catch(() => "")));
  for (
    const [where, text] of [
      ["stdout", sub.stdout],
      ["stderr", sub.stderr],
      ["record.json", await Deno.readTextFile(`${sessionDir}/record.json`)],
      ["job.sh", await Deno.readTextFile(`${sessionDir}/job.sh`)],
      ["job argv", argvs.join("\n")],
    ]
  ) assert.ok(!text.includes(token), `the session token leaked into ${where}`);

  const log = await waitFor("the command's output", async () => {
    const text = await Deno.readTextFile(`${sessionDir}/job.log`).catch(() => "");
    return /gpus=/.test(text) ? text : undefined;
  }, POLL);
  assert.match(log, new RegExp(`gpus=\\d job=${jobId}`));

  const status = await cli("status", "--json", jobId);
  assert.equal(status.code, 0, status.stderr);
  const info = JSON.parse(status.stdout);
  assert.equal(info.state, "RUNNING");
  assert.equal(info.node, cluster.nodeName);
  assert.equal(info.timeLimitSeconds, 600);
  assert.ok(info.timeLeftSeconds > 500 && info.timeLeftSeconds <= 600);
  assert.equal(info.comment, "selkies-hpc");
  assert.equal(info.sessionDir, sessionDir);

  const text = await cli("status", jobId);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^state\s+RUNNING$/m);

  const cancel = await cli("cancel", jobId);
  assert.equal(cancel.code, 0, cancel.stderr);
  await waitFor("the job to be CANCELLED", async () => {
    const s = JSON.parse((await cli("status", "--json", jobId)).stdout);
    return s.state === "CANCELLED" ? s : undefined;
  }, POLL);
  await waitFor("the job's processes to end", () => pids.every((p) => !isAlive(p)), POLL);
  const again = await cli("cancel", jobId);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already ended \(CANCELLED\)/);
});

Deno.test("list --json shows only this user's selkies-hpc jobs", async () => {
  const sub = await cli("submit", "--json", "--no-wait", "--time", "00:10:00", "--command", "sleep 300");
  assert.equal(sub.code, 0, sub.stderr);
  const { jobId: mine } = JSON.parse(sub.stdout);
  const script = `#!/bin/sh\n#SBATCH --chdir=${cluster.jobDir}\n#SBATCH --output=/dev/null\nsleep 300\n`;
  const plain = await sh("sbatch", ["--parsable"], script);
  const selkiesScript = script.replace("\n", "\n#SBATCH --comment=selkies-hpc\n");
  const theirs = await sh(
    "runuser",
    ["-u", "nobody", "--", "env", `SLURM_CONF=${cluster.confPath}`, "sbatch", "--parsable"],
    selkiesScript,
  );
  try {
    const active = (r: CliRun) => {
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { jobId: string; state: string }[])
        .filter((j) => j.state === "PENDING" || j.state === "RUNNING").map((j) => j.jobId);
    };
    assert.deepEqual(active(await cli("list", "--json")), [mine]);
    assert.deepEqual(active(await cli("list", "--json", "--user", "nobody")), [theirs]);
    const table = await cli("list");
    assert.match(table.stdout, new RegExp(`^${mine}\\s`, "m"));
    assert.doesNotMatch(table.stdout, new RegExp(`^(${plain}|${theirs})\\s`, "m"));

    const foreign = await cli("cancel", theirs);
    assert.equal(foreign.code, 2);
    assert.match(foreign.stderr, /belongs to user nobody/);
  } finally {
    await sh("scancel", [mine, plain, theirs]);
  }
});

Deno.test("SLURM rejections exit 2 with a message that says what to do; bad input exits 1", async () => {
  const cases: [string[], RegExp][] = [
    [["--partition", "nosuchpart"], /partition "nosuchpart" does not exist: pick one listed by `sinfo -s`/],
    [["--partition", "short", "--time", "00:10:00"], /requested time exceeds the partition's limit/],
    [["--gpus", "3"], /no node in that partition has what you asked for/],
  ];
  const before = await sessionFolders();
  for (const [args, message] of cases) {
    const r = await cli("submit", "--no-wait", "--command", "true", ...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace for a user error");
  }
  assert.deepEqual(
    await sessionFolders(),
    before,
    "a rejected job leaves no session folder (and secret) behind",
  );
  const badId = await cli("status", "12;reboot");
  assert.equal(badId.code, 1);
  const unknown = await cli("cancel", "987654");
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no job 987654/);
});

Deno.test("records of ended jobs: status and cancel report them from the record; list removes them a day on", async () => {
  const root = `${home}/data/selkies-hpc/sessions`;
  // Jobs this cluster never had (ids far beyond its counter), as if SLURM had forgotten them.
  const old = await createSessionDir({ root });
  const dayAgo = new Date(Date.now() - KEEP_ENDED_MS - 60_000).toISOString();
  const ended = { endedAt: dayAgo, endState: "COMPLETED" };
  await writeRecord({ jobId: "999990", sessionId: old.sessionId, dir: old.dir, createdAt: dayAgo, ...ended });
  const recent = await createSessionDir({ root });
  const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
  await writeRecord({
    jobId: "999991",
    sessionId: recent.sessionId,
    dir: recent.dir,
    createdAt: twoMinutesAgo,
  });

  const status = await cli("status", "999991");
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /^job 999991 has ended \(not known to SLURM any more\)$/m);
  assert.match(status.stdout, new RegExp(`^session\\s+${recent.dir}$`, "m"));
  const json = JSON.parse((await cli("status", "--json", "999991")).stdout);
  assert.equal(json.knownToSlurm, false);
  assert.equal(json.sessionDir, recent.dir);
  const cancel = await cli("cancel", "999991");
  assert.equal(cancel.code, 2);
  assert.match(cancel.stderr, /job 999991 has ended \(not known to SLURM any more\): nothing to cancel/);

  const list = await cli("list", "--json");
  assert.equal(list.code, 0, list.stderr);
  const folders = await sessionFolders();
  assert.ok(
    !folders.includes(old.sessionId),
    "the record of a job ended over a day ago is removed with its folder",
  );
  assert.ok(folders.includes(recent.sessionId), "a recently ended job's record is kept");
  const marked = JSON.parse(await Deno.readTextFile(`${recent.dir}/record.json`));
  assert.ok(Date.parse(marked.endedAt) > Date.now() - 60_000, "first seen ended now");
  assert.match((await cli("status", "999991")).stdout, /has ended/);
  await Deno.remove(recent.dir, { recursive: true });
});

/**
 * Pids of live processes of this cluster's job `jobId` (the job's whole tree): their environment
 * carries both `SLURM_JOB_ID=<jobId>` and this cluster's `SLURM_CONF`, so a job with the same id on
 * another cluster (another test file's, or a real one) is not taken for this one.
 */
async function jobProcesses(jobId: string): Promise<number[]> {
  const wanted = [`SLURM_JOB_ID=${jobId}`, `SLURM_CONF=${cluster.confPath}`];
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const env = new TextDecoder().decode(await Deno.readFile(`/proc/${entry.name}/environ`)).split("\0");
      if (wanted.every((w) => env.includes(w))) pids.push(Number(entry.name));
    } catch {
      // Gone, or a kernel thread.
    }
  }
  return pids;
}

Deno.test({
  name: "a session job streams a desktop to Chromium and cancel leaves no process behind",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const browser = await launchBrowser();
    let jobId = "";
    let decoy: Deno.ChildProcess | undefined;
    try {
      const sub = await user.submit(
        "00:10:00",
        "--gpus",
        "1",
        "--geometry",
        "1280x720",
        "--app",
        "xterm -e top -d 0.1", // a changing screen: an idle one sends no frames after its first
        "--fps",
        "30",
        "--timeout",
        "120",
      );
      assert.equal(sub.code, 0, `${sub.stderr}\n${cluster.logs().slice(-2000)}`);
      const result = JSON.parse(sub.stdout);
      jobId = result.jobId;
      // Progress is shown: submitted -> (queued ->) starting/running -> ready with the URL.
      assert.match(sub.stderr, new RegExp(`^submitted ${jobId}$`, "m"));
      assert.match(sub.stderr, /^(running|starting) on /m);
      assert.match(sub.stderr, /^ready http:\/\//m);
      const url = new URL(result.url);
      assert.ok(url.searchParams.get("token"), "the owner's URL carries the session secret");
      // The record and ready file are private to the owner.
      assert.equal((await Deno.stat(`${result.sessionDir}/ready.json`)).mode! & 0o077, 0);
      // The record keeps the address only; the secret stays in the 0600 token file, and status gives the link.
      const token = url.searchParams.get("token")!;
      const record = JSON.parse(await Deno.readTextFile(`${result.sessionDir}/record.json`));
      const bare = new URL(url);
      bare.searchParams.delete("token");
      assert.equal(record.url, bare.href);
      assert.ok(!JSON.stringify(record).includes(token), "the session token is not in record.json");
      assert.equal(JSON.parse((await cli("status", "--json", jobId)).stdout).url, result.url);
      // The job log says where the link is, without the secret (sites may collect job logs).
      const log = await Deno.readTextFile(`${result.sessionDir}/job.log`);
      assert.match(log, /ready at http:\/\/\S+ — the link with its secret is in \S+ready\.json/);
      assert.ok(!log.includes(url.searchParams.get("token")!), "the secret is not in the job log");

      // WebCodecs needs a secure context: this box is the node, so 127.0.0.1 reaches it.
      url.hostname = "127.0.0.1";
      url.searchParams.set("transport", "websocket");
      url.searchParams.set("resize", "off");
      const page = await browser.context.newPage();
      await page.goto(url.href);
      await page.waitForFunction(
        () =>
          (globalThis as unknown as { selkiesStats: { framesDecoded: number } }).selkiesStats?.framesDecoded >
            30,
        null,
        { timeout: 30_000 },
      );
      assert.ok((await jobProcesses(jobId)).length >= 3, "the job runs Xvfb, a desktop and a media worker");
      // Another cluster's job with the same id (another test file's cluster, or a real one) is not ours.
      decoy = new Deno.Command("sleep", {
        args: ["120"],
        env: { SLURM_JOB_ID: jobId, SLURM_CONF: `${cluster.dir}-elsewhere/slurm.conf` },
      }).spawn();

      const cancel = await cli("cancel", jobId);
      assert.equal(cancel.code, 0, cancel.stderr);
      const deadline = Date.now() + 30_000;
      let left = await jobProcesses(jobId);
      while (left.length > 0 && Date.now() < deadline) {
        await delay(500);
        left = await jobProcesses(jobId);
      }
      const names = await Promise.all(
        left.map((pid) => Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "?")),
      );
      assert.deepEqual(names, [], "no process of the session is left after scancel");
      jobId = "";
    } finally {
      decoy?.kill("SIGKILL");
      await decoy?.status;
      await browser.close();
      if (jobId) await cli("cancel", jobId);
    }
  },
});

/** The `hello` a session sends a new viewer (its screen, frame rate, audio), read over its WebSocket. */
async function sessionHello(ready: { url: string; token: string }): Promise<Record<string, unknown>> {
  const page = new URL(ready.url);
  page.hostname = "127.0.0.1"; // this box is the node
  const wsUrl = new URL("ws", page.href.replace(/^http/, "ws"));
  wsUrl.search = "";
  // Deno's WebSocket takes headers as a non-standard option.
  const headers = { authorization: `Bearer ${ready.token}`, origin: page.origin };
  const socket = new WebSocket(wsUrl, { headers } as unknown as string[]);
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no hello within 10 s")), 10_000);
      socket.onmessage = (m) => {
        if (typeof m.data !== "string") return;
        clearTimeout(timer);
        resolve(JSON.parse(m.data));
      };
      socket.onerror = () => {
        clearTimeout(timer);
        reject(new Error("the session's WebSocket failed"));
      };
    });
  } finally {
    socket.close();
  }
}

Deno.test({
  name: "sbatch selkies.sh starts a session with the user's config and the site's defaults",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // Flags outrank config files, so the script must leave the settings to `stream`: the user's
    // config.yaml sets the screen and frame rate, the site's defaults (below it) the frame rate and audio.
    const configHome = `${home}/sbatch-config`;
    await Deno.mkdir(`${configHome}/selkies-hpc`, { recursive: true });
    await Deno.writeTextFile(`${configHome}/selkies-hpc/config.yaml`, "geometry: 1280x720\nfps: 24\n");
    const site = `${home}/sbatch-site.yaml`;
    await Deno.writeTextFile(site, "defaults:\n  fps: 30\n  audio: false\n");
    const script = fileURLToPath(new URL("../sbatch/selkies.sh", import.meta.url));
    const submitted = await new Deno.Command("sbatch", {
      args: [
        "--parsable",
        `--chdir=${cluster.jobDir}`,
        `--output=${cluster.jobDir}/%j.out`,
        "--time=00:10:00",
        script,
      ],
      env: { ...env, XDG_CONFIG_HOME: configHome, SELKIES_SITE_CONFIG: site },
      stdin: "null",
    }).output();
    const d = new TextDecoder();
    assert.ok(submitted.success, d.decode(submitted.stderr));
    const jobId = d.decode(submitted.stdout).trim();
    try {
      const readyFile = `${home}/.local/share/selkies-hpc/sessions/slurm-${jobId}/ready.json`;
      const ready = await waitFor(
        "the session's ready.json",
        async () => {
          const text = await Deno.readTextFile(readyFile).catch(() => "");
          if (text) return JSON.parse(text) as { url: string; token: string };
          const log = await Deno.readTextFile(`${cluster.jobDir}/${jobId}.out`).catch(() => "");
          if (/did not start|error/i.test(log)) throw new Error(`the session failed:\n${log}`);
        },
        { ...POLL, timeoutMs: 90_000 },
      );
      const hello = await sessionHello(ready);
      assert.deepEqual(
        { width: hello.width, height: hello.height, fps: hello.fps, audio: hello.audio },
        { width: 1280, height: 720, fps: 24, audio: false },
      );
    } finally {
      await new Deno.Command("scancel", { args: [jobId], env: cluster.env }).output();
      await waitFor("the job's processes to end", async () => (await jobProcesses(jobId)).length === 0, {
        ...POLL,
        timeoutMs: 30_000,
      });
    }
  },
});
