import assert from "node:assert/strict";
import { renderSbatch, sessionFlags, warningSeconds } from "./render.ts";
import { parseJobSpec } from "./spec.ts";
import { sbatchLine, shellQuote } from "./_quote.ts";
import { standInCheckout } from "../tests/fixtures/checkout.ts";
import { delay } from "../tests/fixtures/async.ts";

const HOSTILE = [
  "two words",
  `it's "quoted"`,
  "$(touch CANARY)",
  "`touch CANARY`",
  "a; touch CANARY",
  "line1\ntouch CANARY",
  "$HOME ${PATH} \\ ' '\\'' *",
  "-- --fps 1 | touch CANARY &",
];

async function bash(args: string[], env: Record<string, string> = {}, cwd?: string) {
  const out = await new Deno.Command("bash", { args, env, cwd, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("shellQuote makes every hostile value one inert word", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const value of HOSTILE) {
      const r = await bash(["-c", `printf '%s\\0' ${shellQuote(value)}`], {}, dir);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, value + "\0", value);
    }
    assert.deepEqual([...Deno.readDirSync(dir)], []); // no CANARY
    assert.throws(() => shellQuote("a\0b"), /NUL/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sbatchLine refuses values that could break out of an #SBATCH line", () => {
  assert.equal(sbatchLine("constraint", "a100&ib"), "#SBATCH --constraint=a100&ib");
  assert.equal(sbatchLine("exclusive", true), "#SBATCH --exclusive");
  for (const bad of ["a\n#SBATCH --wrap=x", "a b", "a\rb", "x\u0007", '"q"', "$(x)", "`x`", ""]) {
    assert.throws(() => sbatchLine("nodelist", bad), /cannot go on an #SBATCH line/, JSON.stringify(bad));
  }
  assert.throws(() => sbatchLine("wrap\nx", "1"), /invalid sbatch option name/);
});

Deno.test("rendered default script: shebang, #SBATCH lines, streamer command under supervise.sh, bash -n clean", async () => {
  const script = renderSbatch(
    parseJobSpec({ resources: { partition: "debug", time: "00:05:00", gpus: "1" } }),
    {
      repoRoot: "/opt/selkies hpc",
      sessionDir: "/home/u/.local/share/selkies-hpc/sessions/abc",
    },
  );
  const lines = script.split("\n");
  assert.equal(lines[0], "#!/bin/bash");
  for (
    const l of [
      "#SBATCH --comment=selkies-hpc",
      "#SBATCH --job-name=selkies",
      "#SBATCH --partition=debug",
      "#SBATCH --time=00:05:00",
      "#SBATCH --gpus=1",
      "#SBATCH --signal=B:USR1@75",
      "#SBATCH --output=/home/u/.local/share/selkies-hpc/sessions/abc/job.log",
      "set -euo pipefail",
    ]
  ) assert.ok(lines.includes(l), l);
  assert.match(
    script,
    /^exec '\/opt\/selkies hpc\/sbatch\/supervise.sh' '\/opt\/selkies hpc\/selkies-hpc' stream --session-dir "\$SELKIES_SESSION_DIR" --ready-file/m,
  );
  assert.doesNotMatch(script, /trap /, "the signal rule is supervise.sh's, not the script's");
  assert.doesNotMatch(script, /token=|SELKIES_TOKEN/i);
  assert.equal((await bash(["-n", "-c", script])).code, 0);
});

Deno.test("warningSeconds: 300 s, or a quarter of a short job", () => {
  assert.equal(warningSeconds(3600), 300);
  assert.equal(warningSeconds(300), 75);
  assert.equal(warningSeconds(Infinity), 300);
  assert.equal(warningSeconds(2), 1);
});

Deno.test("sessionFlags writes booleans as --x/--no-x and lists as repeated flags", () => {
  const s = parseJobSpec({ session: { audio: false, binds: ["/a", "/b"] } }).session;
  const flags = sessionFlags(s);
  assert.ok(flags.includes("--no-audio"));
  assert.deepEqual(flags.slice(flags.indexOf("--binds"), flags.indexOf("--binds") + 4), [
    "--binds",
    "/a",
    "--binds",
    "/b",
  ]);
});

Deno.test("hostile session values reach the streamer verbatim and run nothing (script executed by bash)", async () => {
  const root = await Deno.makeTempDir({ prefix: "selkies-render-" });
  try {
    // A stand-in streamer that writes its arguments, NUL-separated, where the test can read them.
    await standInCheckout(root, `printf '%s\\0' "$@" > "${root}/args"`);
    for (const value of HOSTILE) {
      const spec = parseJobSpec({ session: { app: value, binds: [value] } });
      const script = renderSbatch(spec, { repoRoot: root, sessionDir: `${root}/session dir` });
      await Deno.writeTextFile(`${root}/job.sh`, script);
      assert.equal((await bash(["-n", `${root}/job.sh`])).code, 0);
      const r = await bash([`${root}/job.sh`], { HOME: root, PATH: "/usr/bin:/bin" }, root);
      assert.equal(r.code, 0, r.stderr);
      const args = (await Deno.readTextFile(`${root}/args`)).split("\0").slice(0, -1);
      assert.equal(args[args.indexOf("--app") + 1], value);
      assert.equal(args[args.indexOf("--binds") + 1], value);
      assert.equal(args[args.indexOf("--session-dir") + 1], `${root}/session dir`);
      await assert.rejects(
        Deno.stat(`${root}/CANARY`),
        Deno.errors.NotFound,
        `injected by ${JSON.stringify(value)}`,
      );
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a plain command runs as given, and the exit code passes through", async () => {
  const root = await Deno.makeTempDir({ prefix: "selkies-render-" });
  try {
    await standInCheckout(root, "exit 99");
    const spec = parseJobSpec({ command: `echo "dir=$SELKIES_SESSION_DIR"; exit 3` });
    await Deno.writeTextFile(
      `${root}/job.sh`,
      renderSbatch(spec, { repoRoot: root, sessionDir: `${root}/s` }),
    );
    const r = await bash([`${root}/job.sh`], { HOME: root, PATH: "/usr/bin:/bin" });
    assert.equal(r.code, 3);
    assert.equal(r.stdout.trim(), `dir=${root}/s`);
    assert.equal((await Deno.stat(`${root}/s`)).mode! & 0o777, 0o700);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("USR1 reaches the job's command; TERM stops it", async () => {
  const root = await Deno.makeTempDir({ prefix: "selkies-render-" });
  try {
    await standInCheckout(root, "exit 99");
    const command = `trap 'echo got-usr1 > "${root}/usr1"' USR1; echo started > "${root}/started"; ` +
      `while [ ! -e "${root}/usr1" ]; do sleep 0.05; done; exec sleep 30`;
    const script = renderSbatch(parseJobSpec({ command }), { repoRoot: root, sessionDir: `${root}/s` });
    await Deno.writeTextFile(`${root}/job.sh`, script);
    const child = new Deno.Command("bash", { args: [`${root}/job.sh`], stdout: "null", stderr: "null" })
      .spawn();
    try {
      for (let i = 0; i < 100 && !(await exists(`${root}/started`)); i++) await delay(50);
      child.kill("SIGUSR1");
      for (let i = 0; i < 100 && !(await exists(`${root}/usr1`)); i++) await delay(50);
      assert.ok(await exists(`${root}/usr1`), "USR1 was not forwarded");
      child.kill("SIGTERM");
      const status = await child.status;
      assert.equal(status.code, 128 + 15); // the command died of the forwarded TERM
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

async function exists(p: string) {
  return await Deno.stat(p).then(() => true, () => false);
}
