import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { SCREEN_LIMITS } from "../protocol/screen.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const decoder = new TextDecoder();

/** A private HOME/XDG/site-config per test run, so user files on this machine never leak in. */
const SANDBOX = await Deno.makeTempDir({ prefix: "selkies-cli-" });
const BASE_ENV = {
  HOME: SANDBOX,
  XDG_CONFIG_HOME: `${SANDBOX}/xdg`,
  XDG_DATA_HOME: `${SANDBOX}/data`,
  SELKIES_SITE_CONFIG: `${SANDBOX}/site.yaml`,
  NO_COLOR: "1",
};

async function cli(args: string[], env: Record<string, string> = {}, stdin?: string) {
  const child = new Deno.Command(`${ROOT}selkies-hpc`, {
    args,
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...BASE_ENV, ...env },
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

async function bashSyntax(script: string): Promise<number> {
  const child = new Deno.Command("bash", { args: ["-n"], stdin: "piped", stderr: "piped" }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(script));
  await w.close();
  return (await child.output()).code;
}

Deno.test({
  name: "CLI behaviour (subprocess)",
  sanitizeResources: false,
  async fn(t) {
    try {
      await t.step(
        "render --partition debug --time 00:05:00 --gpus 1 prints a bash -n clean script",
        async () => {
          const r = await cli(["render", "--partition", "debug", "--time", "00:05:00", "--gpus", "1"]);
          assert.equal(r.code, 0, r.stderr);
          assert.ok(r.stdout.startsWith("#!/bin/bash\n"));
          assert.match(r.stdout, /^#SBATCH --partition=debug$/m);
          assert.match(r.stdout, /^#SBATCH --gpus=1$/m);
          assert.match(r.stdout, /^#SBATCH --signal=B:USR1@75$/m);
          assert.equal(await bashSyntax(r.stdout), 0);
        },
      );

      await t.step("render --json parses and carries spec and script", async () => {
        const r = await cli(["render", "--json", "--geometry", "1280x720", "--no-audio"]);
        assert.equal(r.code, 0, r.stderr);
        const json = JSON.parse(r.stdout);
        assert.equal(json.spec.session.geometry, "1280x720");
        assert.equal(json.spec.session.audio, false);
        assert.match(json.script, /--no-audio/);
      });

      await t.step("a bad flag exits 1 and names the flag", async () => {
        const r = await cli(["render", "--partiton", "debug"]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /--partiton/);
        assert.equal(r.stdout, "");
      });

      await t.step("an invalid value exits 1 with one clear line", async () => {
        const r = await cli(["render", "--time", "1h"]);
        assert.equal(r.code, 1);
        assert.equal(r.stderr.trim().split("\n").length, 1);
        assert.match(r.stderr, /^selkies-hpc: time: time must be a SLURM time.*\(got "1h"\)$/m);
      });

      await t.step(
        "a geometry outside the screen limits is refused before submitting, naming the range",
        async () => {
          for (const geometry of ["7680x4320", "0x0", "1921x1080"]) {
            for (const cmd of [["render"], ["submit", "--dry-run"]]) {
              const r = await cli([...cmd, "--geometry", geometry]);
              assert.equal(r.code, 1, `${cmd} ${geometry}: ${r.stderr}`);
              assert.equal(r.stdout, "");
              assert.equal(
                r.stderr.trim(),
                `selkies-hpc: geometry: geometry must be WIDTHxHEIGHT with even numbers from 64x64 to ${SCREEN_LIMITS.maxWidth}x${SCREEN_LIMITS.maxHeight} (got "${geometry}")`,
              );
            }
          }
          const max = `${SCREEN_LIMITS.maxWidth}x${SCREEN_LIMITS.maxHeight}`;
          const r = await cli(["render", "--geometry", max]);
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stdout, new RegExp(`--geometry ${max} `));
        },
      );

      await t.step("a site limit violation exits 1 naming field, value and limit", async () => {
        await Deno.writeTextFile(
          BASE_ENV.SELKIES_SITE_CONFIG,
          "limits:\n  maxGpus: 1\n  maxTime: '04:00:00'\n",
        );
        try {
          let r = await cli(["render", "--gpus", "4"]);
          assert.equal(r.code, 1);
          assert.equal(r.stderr.trim(), 'selkies-hpc: gpus "4" exceeds the site limit maxGpus 1');
          r = await cli(["render"], { SELKIES_TIME: "1-00:00" });
          assert.equal(
            r.stderr.trim(),
            'selkies-hpc: time "1-00:00" exceeds the site limit maxTime 04:00:00',
          );
          r = await cli(["submit", "--dry-run", "--time", "02:00:00"]);
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stdout, /^#SBATCH --time=02:00:00$/m);
        } finally {
          await Deno.remove(BASE_ENV.SELKIES_SITE_CONFIG);
        }
      });

      await t.step("a broken user config exits 1 naming the file", async () => {
        await Deno.mkdir(`${BASE_ENV.XDG_CONFIG_HOME}/selkies-hpc`, { recursive: true });
        const file = `${BASE_ENV.XDG_CONFIG_HOME}/selkies-hpc/config.yaml`;
        await Deno.writeTextFile(file, "geometry: [\n");
        try {
          const r = await cli(["render"]);
          assert.equal(r.code, 1);
          assert.ok(r.stderr.includes(`${file}: not valid YAML`), r.stderr);
        } finally {
          await Deno.remove(file);
        }
      });

      await t.step("completion scripts are produced (bash is bash -n clean)", async () => {
        const bash = await cli(["completion", "bash"]);
        assert.equal(bash.code, 0);
        assert.match(bash.stdout, /complete .*selkies-hpc/);
        assert.equal(await bashSyntax(bash.stdout), 0);
        for (const shell of ["zsh", "fish"]) {
          const r = await cli(["completion", shell]);
          assert.equal(r.code, 0);
          assert.match(r.stdout, /selkies-hpc/);
        }
      });

      await t.step("--version and --help with examples", async () => {
        const v = await cli(["--version"]);
        assert.equal(v.code, 0);
        assert.match(v.stdout.trim(), /^\d+\.\d+\.\d+$/);
        const h = await cli(["--help"]);
        assert.equal(h.code, 0);
        for (
          const c of [
            "demo",
            "submit",
            "list",
            "status",
            "cancel",
            "render",
            "doctor",
            "stream",
            "completion",
          ]
        ) {
          assert.match(h.stdout, new RegExp(`^  ${c} `, "m"));
        }
        assert.match(h.stdout, /Examples:/);
        assert.match(h.stdout, /Exit codes: 0 ok, 1/);
      });

      await t.step("a malformed job id exits 1 saying what a job id looks like", async () => {
        for (const [cmd, id] of [["status", "1;rm"], ["cancel", "abc"], ["status", "12_"]]) {
          const r = await cli([cmd, id]);
          assert.equal(r.code, 1, `${cmd} ${id}`);
          assert.equal(r.stdout, "");
          assert.match(
            r.stderr,
            new RegExp(`job id "${id}" is not a SLURM job id \\(e\\.g\\. 1234, 1234_5 or 1234\\+1\\)`),
          );
          assert.doesNotMatch(r.stderr, /pattern|\\d/, "no raw regular expression");
        }
      });

      await t.step(
        "list --json: a JSON array, or exit 2 with the scheduler's message when SLURM is away",
        async () => {
          const r = await cli(["list", "--json"]);
          if (r.code === 0) assert.ok(Array.isArray(JSON.parse(r.stdout)));
          else {
            assert.equal(r.code, 2);
            assert.match(r.stderr, /^selkies-hpc: /);
            assert.equal(r.stdout, "");
          }
        },
      );

      await t.step("doctor --json parses and is honest about this machine", async () => {
        const r = await cli(["doctor", "--json"]);
        const json = JSON.parse(r.stdout);
        assert.equal(r.code, json.ok ? 0 : 2);
        const names = json.checks.map((c: { name: string }) => c.name);
        for (const n of ["deno", "gstreamer", "xvfb", "virtualgl", "gpu", "slurm client"]) {
          assert.ok(names.includes(n), n);
        }
        const gpu = json.checks.find((c: { name: string }) => c.name === "gpu");
        const hasGpu = await Deno.stat("/dev/nvidia0").then(() => true, () => false);
        if (!hasGpu) assert.equal(gpu.status, "absent");
      });
    } finally {
      await Deno.remove(SANDBOX, { recursive: true });
    }
  },
});
