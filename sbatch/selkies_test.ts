import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { renderSbatch, sessionFlags } from "../jobs/render.ts";
import { parseJobSpec } from "../jobs/spec.ts";

const SCRIPT = fileURLToPath(new URL("./selkies.sh", import.meta.url));

/** Runs selkies.sh against a stand-in `selkies-hpc` that records its arguments; returns them. */
async function runWith(env: Record<string, string>): Promise<string[]> {
  const root = await Deno.makeTempDir({ prefix: "selkies-sh-" });
  try {
    await Deno.writeTextFile(`${root}/selkies-hpc`, `#!/bin/bash\nprintf '%s\\0' "$@" > "${root}/args"\n`);
    await Deno.chmod(`${root}/selkies-hpc`, 0o755);
    const out = await new Deno.Command("bash", {
      args: [SCRIPT],
      clearEnv: true,
      env: { PATH: "/usr/bin:/bin", HOME: root, SELKIES_HPC_HOME: root, ...env },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return (await Deno.readTextFile(`${root}/args`)).split("\0").slice(0, -1);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** The session flags of a `stream` command line (drops where-to-serve flags). */
function sessionPart(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < args.length; i++) {
    if (["--session-dir", "--ready-file", "--bind"].includes(args[i])) i++;
    else out.push(args[i]);
  }
  return out;
}

Deno.test("selkies.sh is valid bash", async () => {
  const r = await new Deno.Command("bash", { args: ["-n", SCRIPT] }).output();
  assert.equal(r.code, 0);
});

Deno.test("selkies.sh defaults equal the rendered default job", async () => {
  const args = await runWith({});
  assert.equal(args[0], "stream");
  const spec = parseJobSpec({});
  assert.deepEqual(sessionPart(args), sessionFlags(spec.session));
  assert.equal(args[args.indexOf("--bind") + 1], "0.0.0.0");
  const rendered = renderSbatch(spec, { repoRoot: "/x" }).split("\n").filter((l) => l.startsWith("#SBATCH"));
  const script = (await Deno.readTextFile(SCRIPT)).split("\n").filter((l) => l.startsWith("#SBATCH"));
  assert.deepEqual(script, rendered);
});

Deno.test("selkies.sh takes its settings from SELKIES_* variables, verbatim", async () => {
  const env = {
    SELKIES_GEOMETRY: "1280x720",
    SELKIES_FPS: "30",
    SELKIES_AUDIO: "off",
    SELKIES_APP: "xterm -e 'echo $(touch CANARY)'",
    SELKIES_BINDS: "/scratch,/data:/mnt",
    SELKIES_GATEWAY: "https://gw.example.org",
  };
  const args = await runWith(env);
  const spec = parseJobSpec({
    session: {
      geometry: "1280x720",
      fps: 30,
      audio: false,
      app: env.SELKIES_APP,
      binds: ["/scratch", "/data:/mnt"],
      gateway: env.SELKIES_GATEWAY,
    },
  });
  assert.deepEqual(sessionPart(args), sessionFlags(spec.session));
  assert.equal(args[args.indexOf("--bind") + 1], "127.0.0.1");
});
