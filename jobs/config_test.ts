import assert from "node:assert/strict";
import { buildSpec, configPaths, resolveSpec } from "./config.ts";
import { ConfigError, LimitError, SpecError } from "./errors.ts";

/** A temp XDG config home + site file; removed after the test body, even when it fails. */
async function withConfigs(
  files: { user?: string; site?: string },
  body: (env: Record<string, string>) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "selkies-config-" });
  try {
    const env = {
      HOME: `${root}/home`,
      XDG_CONFIG_HOME: `${root}/xdg`,
      SELKIES_SITE_CONFIG: `${root}/site.yaml`,
    };
    await Deno.mkdir(`${root}/xdg/selkies-hpc`, { recursive: true });
    if (files.user !== undefined) await Deno.writeTextFile(`${root}/xdg/selkies-hpc/config.yaml`, files.user);
    if (files.site !== undefined) await Deno.writeTextFile(env.SELKIES_SITE_CONFIG, files.site);
    await body(env);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const SITE = "defaults:\n  partition: viz\n  time: '02:00:00'\n  fps: 30\n  geometry: 1280x720\n  gpus: 1\n";
const USER = "partition: gpu\nfps: 45\ngeometry: 1600x900\n";

Deno.test("precedence: flags > env > user config > site config > defaults", async () => {
  await withConfigs({ user: USER, site: SITE }, async (env) => {
    let { spec, files } = await resolveSpec({ env });
    assert.equal(files.length, 2);
    assert.equal(spec.resources.time, "02:00:00"); // site only
    assert.equal(spec.resources.gpus, "1"); // site, YAML number coerced to the string field
    assert.equal(spec.resources.partition, "gpu"); // user beats site
    assert.equal(spec.session.fps, 45);
    assert.equal(spec.session.bitrate, 8000); // schema default
    ({ spec } = await resolveSpec({ env: { ...env, SELKIES_FPS: "50", SELKIES_AUDIO: "off" } }));
    assert.equal(spec.session.fps, 50); // env beats user
    assert.equal(spec.session.audio, false);
    assert.equal(spec.session.geometry, "1600x900");
    ({ spec } = await resolveSpec({
      env: { ...env, SELKIES_FPS: "50" },
      flags: { fps: 20, partition: undefined },
    }));
    assert.equal(spec.session.fps, 20); // flag beats env
    assert.equal(spec.resources.partition, "gpu"); // an absent flag does not clear a lower layer
  });
});

Deno.test("XDG_CONFIG_HOME is honoured, HOME/.config otherwise", () => {
  assert.equal(configPaths({ XDG_CONFIG_HOME: "/x" }).user, "/x/selkies-hpc/config.yaml");
  assert.equal(configPaths({ HOME: "/h" }).user, "/h/.config/selkies-hpc/config.yaml");
  assert.equal(configPaths({}).site, "/etc/selkies-hpc/site.yaml");
  assert.equal(configPaths({ SELKIES_SITE_CONFIG: "/s.yaml" }).site, "/s.yaml");
});

Deno.test("missing config files are fine", async () => {
  await withConfigs({}, async (env) => {
    const { spec, files } = await resolveSpec({ env });
    assert.deepEqual(files, []);
    assert.equal(spec.resources.jobName, "selkies");
  });
});

Deno.test("bad YAML and unknown keys name the file", async () => {
  await withConfigs({ user: "partition: [unclosed\n" }, async (env) => {
    await assert.rejects(resolveSpec({ env }), (e) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /xdg\/selkies-hpc\/config\.yaml: not valid YAML/);
      return true;
    });
  });
  await withConfigs({ user: "partiton: gpu\n" }, async (env) => {
    await assert.rejects(resolveSpec({ env }), /config\.yaml: unknown key "partiton"/);
  });
  await withConfigs({ site: "limts:\n  maxGpus: 1\n" }, async (env) => {
    await assert.rejects(resolveSpec({ env }), /site\.yaml: .*limts/);
  });
  await withConfigs({ site: "defaults:\n  bogus: 1\n" }, async (env) => {
    await assert.rejects(resolveSpec({ env }), /site\.yaml \(defaults\): unknown key "bogus"/);
  });
});

Deno.test("limit violations are one line naming field, value and limit", async () => {
  const site = "limits:\n  allowedPartitions: [viz, gpu]\n  maxTime: '1-00:00:00'\n  maxGpus: 2\n" +
    "  maxCpus: 16\n  maxMem: 64G\n";
  await withConfigs({ site }, async (env) => {
    const cases: [Record<string, unknown>, string][] = [
      [{ partition: "debug" }, 'partition "debug" is not allowed by the site (allowed: viz, gpu)'],
      [{ time: "2-00:00:00" }, 'time "2-00:00:00" exceeds the site limit maxTime 1-00:00:00'],
      [{ time: "UNLIMITED" }, 'time "UNLIMITED" exceeds the site limit maxTime 1-00:00:00'],
      [{ gpus: "a100:4" }, 'gpus "a100:4" exceeds the site limit maxGpus 2'],
      [{ gres: "gpu:3" }, 'gres "gpu:3" exceeds the site limit maxGpus 2'],
      [{ cpusPerTask: 32 }, 'cpusPerTask "32" exceeds the site limit maxCpus 16'],
      [{ mem: "128G" }, 'mem "128G" exceeds the site limit maxMem 64G'],
    ];
    for (const [flags, message] of cases) {
      await assert.rejects(resolveSpec({ env, flags }), (e) => {
        assert.ok(e instanceof LimitError);
        assert.equal(e.message, message);
        assert.equal(e.exitCode, 1);
        assert.ok(!e.message.includes("\n"));
        return true;
      });
    }
    const { spec } = await resolveSpec({ env, flags: { partition: "gpu", time: "23:59:00", gpus: "2" } });
    assert.equal(spec.resources.gpus, "2");
  });
});

Deno.test("buildSpec reports invalid values with the field and value", () => {
  assert.throws(() => buildSpec({ time: "1h" }), (e) => {
    assert.ok(e instanceof SpecError);
    assert.match(e.message, /^time: time must be a SLURM time.* \(got "1h"\)$/);
    return true;
  });
  assert.throws(
    () => buildSpec({ geometry: "big" }),
    /: geometry: geometry must be WIDTHxHEIGHT with even numbers from 64x64 to 3840x2160 \(got "big"\)$/,
  );
  assert.throws(() => buildSpec({ nope: 1 }), /unknown setting "nope"/);
  assert.throws(() => buildSpec({ desktop: "xfce4-session", app: "firefox" }), /either --desktop or --app/);
});

Deno.test("env values are converted to the field's shape", async () => {
  await withConfigs({}, async (env) => {
    const { spec } = await resolveSpec({
      env: {
        ...env,
        SELKIES_BINDS: "/scratch,/data:/mnt",
        SELKIES_SBATCH_OPTIONS: "--mail-type=END --exclusive",
        SELKIES_CPUS_PER_TASK: "8",
      },
    });
    assert.deepEqual(spec.session.binds, ["/scratch", "/data:/mnt"]);
    assert.deepEqual(spec.resources.sbatchOptions, { "mail-type": "END", exclusive: true });
    assert.equal(spec.resources.cpusPerTask, 8);
    await assert.rejects(
      resolveSpec({ env: { ...env, SELKIES_AUDIO: "maybe" } }),
      /SELKIES_AUDIO: audio must be/,
    );
  });
});

Deno.test("walltimeWarnings: the site's defaults, a user's env or flags; nonsense refused with the field's name", async () => {
  await withConfigs({ site: "defaults:\n  walltimeWarnings: [30, 10, 2]\n" }, async (env) => {
    assert.deepEqual((await resolveSpec({ env })).spec.session.walltimeWarnings, [30, 10, 2]);
    const fromEnv = await resolveSpec({ env: { ...env, SELKIES_WALLTIME_WARNINGS: "20, 1.5" } });
    assert.deepEqual(fromEnv.spec.session.walltimeWarnings, [20, 1.5]);
    const fromFlags = await resolveSpec({ env, flags: { walltimeWarnings: ["45"] } });
    assert.deepEqual(fromFlags.spec.session.walltimeWarnings, [45]);
    await assert.rejects(
      resolveSpec({ env: { ...env, SELKIES_WALLTIME_WARNINGS: "soon" } }),
      (e) => e instanceof SpecError && /walltimeWarnings/.test(e.message),
    );
  });
  await withConfigs({}, async (env) => {
    assert.deepEqual((await resolveSpec({ env })).spec.session.walltimeWarnings, [15, 5]);
  });
  await withConfigs({ site: "defaults:\n  walltimeWarnings: []\n" }, async (env) => {
    assert.deepEqual(
      (await resolveSpec({ env })).spec.session.walltimeWarnings,
      [],
      "a site may turn them off",
    );
  });
});
