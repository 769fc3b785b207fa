import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { renderSbatch } from "../jobs/render.ts";
import { parseJobSpec } from "../jobs/spec.ts";
import { standInCheckout } from "../tests/fixtures/checkout.ts";
import { waitFor } from "../tests/fixtures/async.ts";

const SCRIPT = fileURLToPath(new URL("./selkies.sh", import.meta.url));

/** Runs selkies.sh against a stand-in `selkies-hpc` that records its arguments and environment. */
async function runWith(
  env: Record<string, string>,
): Promise<{ args: string[]; env: string[]; home: string }> {
  const root = await Deno.makeTempDir({ prefix: "selkies-sh-" });
  try {
    await standInCheckout(root, `printf '%s\\0' "$@" > "${root}/args"\nenv -0 > "${root}/env"`);
    const out = await new Deno.Command("bash", {
      args: [SCRIPT],
      clearEnv: true,
      env: { PATH: "/usr/bin:/bin", HOME: root, SELKIES_HPC_HOME: root, SLURM_JOB_ID: "77", ...env },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const read = async (f: string) => (await Deno.readTextFile(`${root}/${f}`)).split("\0").slice(0, -1);
    return { args: await read("args"), env: await read("env"), home: root };
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("selkies.sh is valid bash", async () => {
  const r = await new Deno.Command("bash", { args: ["-n", SCRIPT] }).output();
  assert.equal(r.code, 0);
});

Deno.test("selkies.sh asks SLURM for what the rendered default job asks", async () => {
  const rendered = renderSbatch(parseJobSpec({}), { repoRoot: "/x" }).split("\n").filter((l) =>
    l.startsWith("#SBATCH")
  );
  const script = (await Deno.readTextFile(SCRIPT)).split("\n").filter((l) => l.startsWith("#SBATCH"));
  assert.deepEqual(script, rendered);
});

Deno.test("selkies.sh passes only the job's own flags; stream resolves the settings", async () => {
  // Session settings stay in the environment for `stream`, which weighs them against the user's and the
  // site's config files (flags with hard-coded defaults used to outrank both).
  const settings = {
    SELKIES_GEOMETRY: "1280x720",
    SELKIES_FPS: "30",
    SELKIES_APP: "xterm -e 'echo $(touch X)'",
  };
  const { args, env, home } = await runWith(settings);
  const dir = `${home}/.local/share/selkies-hpc/sessions/slurm-77`;
  assert.deepEqual(args, [
    "stream",
    "--session-dir",
    dir,
    "--ready-file",
    `${dir}/ready.json`,
    "--bind",
    "0.0.0.0",
  ]);
  for (const [k, v] of Object.entries(settings)) assert.ok(env.includes(`${k}=${v}`), k);

  const bound = await runWith({ SELKIES_BIND: "127.0.0.1" });
  assert.equal(bound.args.at(-1), "127.0.0.1");
});

/**
 * Runs a job script against a stand-in streamer that records the signals it gets, sends the batch shell
 * USR1 then TERM (what SLURM sends: the walltime warning, then the end), and reports what happened.
 */
async function signalsThrough(script: (root: string) => string | Promise<string>) {
  const root = await Deno.makeTempDir({ prefix: "selkies-sig-" });
  try {
    await standInCheckout(
      root,
      [
        `trap 'echo usr1 >> "${root}/got"' USR1`,
        `trap 'echo term >> "${root}/got"; exit 7' TERM`,
        `touch "${root}/started"`,
        "while :; do sleep 0.05; done",
      ].join("\n"),
    );
    const path = `${root}/job.sh`;
    await Deno.writeTextFile(path, await script(root));
    const child = new Deno.Command("bash", {
      args: [path],
      clearEnv: true,
      env: { PATH: "/usr/bin:/bin", HOME: root, SELKIES_HPC_HOME: root, SLURM_JOB_ID: "77" },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const got = () => Deno.readTextFile(`${root}/got`).catch(() => "");
    try {
      await waitFor("the start", () => Deno.stat(`${root}/started`).then(() => true, () => false), {
        intervalMs: 25,
      });
      child.kill("SIGUSR1");
      await waitFor("USR1 at the streamer", async () => (await got()).includes("usr1"), { intervalMs: 25 });
      child.kill("SIGTERM");
      const { code, stderr } = await child.output();
      return { code, got: await got(), stderr: new TextDecoder().decode(stderr).trim() };
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* ended */ }
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("selkies.sh and a rendered job pass USR1 and TERM on the same way (both run supervise.sh)", async () => {
  const plain = await signalsThrough(() => Deno.readTextFile(SCRIPT));
  const rendered = await signalsThrough((root) => renderSbatch(parseJobSpec({}), { repoRoot: root }));
  const expected = {
    code: 7, // the streamer's own exit status, after the TERM it was passed
    got: "usr1\nterm\n",
    stderr: "selkies-hpc: walltime ends in 300s",
  };
  assert.deepEqual(plain, expected, "selkies.sh");
  assert.deepEqual(rendered, expected, "rendered");
});
