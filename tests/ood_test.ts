/**
 * The Open OnDemand app (examples/ood/selkies-hpc), end to end as OnDemand runs it: its templates rendered by
 * Ruby's own ERB in an OnDemand-like context (tests/fixtures/ood_render.rb), the form built from the site
 * config, the staged job submitted to a real SLURM cluster with the Slurm adapter's arguments, the session
 * card's view opened in Chromium, and the desktop reached through a real nginx configured like OnDemand's
 * /rnode proxy.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { launchBrowser } from "./fixtures/browser.ts";
import { startNginx } from "./fixtures/nginx.ts";
import { waitFor } from "./fixtures/async.ts";
import { type OodEnv, renderOodForm, renderOodView, stageOodJob } from "./fixtures/ood_app.ts";
import { startSlurmCluster } from "./harness/mod.ts";
import { SiteConfigSchema } from "../jobs/config.ts";
import { parse as parseYaml } from "yaml";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The site config an admin writes; the form offers its choices, the streamer reads its defaults. */
const SITE = `
defaults:
  audio: false
limits:
  allowedPartitions: [debug, short]
  maxTime: "1-00:00:00"
  maxGpus: 2
choices:
  geometries: ["1280x720", "1920x1080"]
  gpuTypes: [a100]
  apps:
    - label: Top
      command: "xterm -T 'ood app' -e top -d 0.1"
# Seconds here (the setting is in minutes): the job ends by itself once the desktop's tab is closed.
idleRelease:
  minutes: 0.25
  warnMinutes: 0.1
`;

type Win = { selkiesStats?: { framesDecoded: number } };
const framesDecoded = (page: import("playwright-core").Page) =>
  page.evaluate(() => (globalThis as unknown as Win).selkiesStats?.framesDecoded ?? 0);

Deno.test({
  name: "the Open OnDemand app: form from the site config, a real SLURM job, the view's link through /rnode",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "selkies-ood-" });
    await Deno.chmod(dir, 0o755); // the job reads its staged folder
    const env: OodEnv = {
      SELKIES_SITE_CONFIG: `${dir}/site.yaml`,
      SELKIES_HPC_HOME: ROOT.replace(/\/$/, ""),
    };
    await Deno.writeTextFile(env.SELKIES_SITE_CONFIG, SITE);
    // The same file passes selkies-hpc's own strict check (the nodes read it too).
    SiteConfigSchema.parse(parseYaml(SITE));
    await using cluster = await startSlurmCluster();
    const nginx = await startNginx();
    const browser = await launchBrowser({ viewport: { width: 1280, height: 720 } });
    let jobId = "";
    try {
      await t.step("the form offers the site's partitions, GPUs, screen sizes and apps", async () => {
        const form = await renderOodForm(env);
        const a = form.attributes;
        assert.deepEqual(a.bc_queue.options, [["debug", "debug"], ["short", "short"]]);
        assert.equal(a.bc_num_hours.max, 24, "maxTime 1-00:00:00 is 24 hours");
        assert.equal(a.gpus.max, 2);
        assert.deepEqual(a.gpu_type.options, [["any", ""], ["a100", "a100"]]);
        assert.deepEqual(a.geometry.options, [["1280x720", "1280x720"], ["1920x1080", "1920x1080"]]);
        assert.deepEqual(a.app.options, [["Desktop", ""], ["Top", "xterm -T 'ood app' -e top -d 0.1"]]);
        assert.ok(form.form.includes("gpu_type"));
        // No site file: plain defaults, a free-text partition, no GPU type picker.
        const bare = await renderOodForm({ SELKIES_SITE_CONFIG: `${dir}/absent.yaml` });
        assert.equal(bare.attributes.bc_queue.value, "");
        assert.ok(!bare.form.includes("gpu_type"));
        assert.deepEqual(bare.attributes.app.options, [["Desktop", ""]]);
      });

      await t.step("a GPU type reaches sbatch as --gpus=TYPE:N", async () => {
        const job = await stageOodJob(env, {
          values: { gpus: "2", gpu_type: "a100" },
          staged_root: `${dir}/typed`,
        });
        assert.ok(job.sbatch.includes("--gpus=a100:2"), job.sbatch.join(" "));
        assert.deepEqual(job.sbatch.slice(job.sbatch.indexOf("-t"), job.sbatch.indexOf("-t") + 2), [
          "-t",
          "01:00:00",
        ]);
      });

      const staged = `${dir}/session`;
      const job = await stageOodJob(env, {
        // The harness's GPUs have no type: "any".
        values: {
          bc_queue: "debug",
          gpus: "1",
          gpu_type: "",
          fps: "30",
          app: "xterm -T 'ood app' -e top -d 0.1",
        },
        staged_root: staged,
        // The cluster config's batch_connect.basic.set_host: the address OnDemand's proxy reaches.
        set_host: "host=127.0.0.1",
      });
      await t.step("the staged job is what OnDemand would submit", async () => {
        assert.ok(job.sbatch.includes("--gpus=1") && job.sbatch.includes("--signal=B:USR1@300"));
        assert.ok((await Deno.stat(`${staged}/script.sh`)).mode! & 0o100, "script.sh stays executable");
        const script = await Deno.readTextFile(`${staged}/script.sh`);
        assert.match(
          script,
          /^app=xterm\\ -T\\ \\'ood\\ app\\'\\ -e\\ top\\ -d\\ 0\.1$/m,
          "the app reaches bash quoted",
        );
        assert.ok((await new Deno.Command("bash", { args: ["-n", `${staged}/script.sh`] }).output()).success);
        await Deno.writeTextFile(`${dir}/job.sh`, job.script);
        assert.ok((await new Deno.Command("bash", { args: ["-n", `${dir}/job.sh`] }).output()).success);
      });

      // OnDemand submits with --export NONE: SLURM loads the user's login environment on the node (`su -`), a
      // second or two on a plain Debian; a login profile that stalls (seen here: a stale pyenv lock, 60 s)
      // delays the job's start by as much.
      const submitted = await new Deno.Command("sbatch", {
        args: ["--parsable", ...job.sbatch],
        env: cluster.env,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = submitted.stdin.getWriter();
      await writer.write(new TextEncoder().encode(job.script));
      await writer.close();
      const out = await submitted.output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      jobId = new TextDecoder().decode(out.stdout).trim().split(";")[0];
      const log = () => Deno.readTextFile(`${staged}/output.log`).catch(() => "");

      // after.sh waits for the streamer's port before OnDemand's connection.yml appears.
      const connection = await waitFor("connection.yml", async () => {
        const text = await Deno.readTextFile(`${staged}/connection.yml`).catch(() => "");
        if (/^Cleaning up/m.test(await log())) throw new Error("the job ended before connection.yml");
        return /^port: \d+$/m.test(text) ? text : undefined;
      }, { timeoutMs: 90_000, intervalMs: 200 }).catch(async (e) => {
        throw new Error(`${e.message}\njob log:\n${await log()}`);
      });
      const conn = parseYaml(connection) as Record<string, string | number>;
      assert.equal(conn.host, "127.0.0.1");
      assert.equal(String(conn.selkies_token).length, 43);
      const endsAt = Number(conn.selkies_ends_at);
      assert.ok(
        Math.abs(endsAt - (Date.now() / 1000 + 3600)) < 300,
        `the job ends in about an hour: ${endsAt}`,
      );
      assert.equal(
        (await Deno.stat(`${staged}/connection.yml`)).mode! & 0o077,
        0,
        "connection.yml is private",
      );
      assert.equal((await Deno.stat(`${staged}/selkies-session/token`)).mode! & 0o077, 0, "so is the secret");

      const base = `${nginx.url}/rnode/127.0.0.1/${conn.port}/`;
      assert.equal((await fetch(base)).status, 401, "no token, no desktop");

      const html = await renderOodView(env, `${staged}/connection.yml`);
      assert.match(html, new RegExp(`action="/rnode/127\\.0\\.0\\.1/${conn.port}/"`));
      assert.match(html, /The job ends at <time datetime="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d/);
      // The session card as the dashboard serves it (same origin as the proxy, as on an OnDemand host).
      const card = `${nginx.url}/pun/sys/dashboard/batch_connect/sessions`;
      await browser.context.route(
        card,
        (route) =>
          route.fulfill({
            contentType: "text/html",
            body: `<!doctype html><html><body>${html}</body></html>`,
          }),
      );
      const dashboard = await browser.context.newPage();
      await dashboard.goto(card);
      const [desktop] = await Promise.all([
        browser.context.waitForEvent("page"),
        dashboard.click("button[type=submit]"),
      ]);
      await desktop.waitForURL(/\/rnode\/127\.0\.0\.1\/\d+\//);
      await waitFor("the desktop's frames", async () => (await framesDecoded(desktop)) > 20, 30_000);
      assert.ok(!desktop.url().includes(String(conn.selkies_token)), "the token leaves the address bar");
      // The desktop counts down from SLURM's end time for the job (the streamer asks scontrol on the node).
      const shown = await waitFor("the countdown", async () => {
        const text = await desktop.evaluate(() => document.getElementById("time-left")?.textContent ?? "");
        return /^(?:(\d+):)?(\d+):(\d\d) left$/.exec(text);
      }, 15_000);
      const leftS = Number(shown[1] ?? 0) * 3600 + Number(shown[2]) * 60 + Number(shown[3]);
      assert.ok(leftS > 3300 && leftS <= 3600, `${shown[0]} of a one-hour job`);

      await t.step("SLURM's walltime warning reaches the streamer and the job goes on", async () => {
        const signal = await new Deno.Command("scancel", {
          args: ["--batch", "--signal=USR1", jobId],
          env: cluster.env,
        }).output();
        assert.ok(signal.success, new TextDecoder().decode(signal.stderr));
        await waitFor(
          "the streamer's warning in the job log",
          async () => /save your work/.test(await log()),
          {
            timeoutMs: 15_000,
            intervalMs: 200,
          },
        );
        const before = await framesDecoded(desktop);
        await waitFor(
          "more frames after the warning",
          async () => (await framesDecoded(desktop)) > before + 10,
          15_000,
        );
        const state = await new Deno.Command("squeue", {
          args: ["-h", "-j", jobId, "-o", "%T"],
          env: cluster.env,
        })
          .output();
        assert.equal(new TextDecoder().decode(state.stdout).trim(), "RUNNING");
      });

      await t.step(
        "left alone, the session releases its allocation: the job completes with exit 0",
        async () => {
          await desktop.close();
          await waitFor("the job to end by itself", async () => {
            const job = await new Deno.Command("scontrol", {
              args: ["show", "job", "-o", jobId],
              env: cluster.env,
            })
              .output();
            const text = new TextDecoder().decode(job.stdout);
            return /JobState=(COMPLETED|FAILED|CANCELLED|TIMEOUT)/.test(text) ? text : undefined;
          }, { timeoutMs: 60_000, intervalMs: 500 }).then((job) => {
            assert.match(job, /JobState=COMPLETED /);
            assert.match(job, /ExitCode=0:0/);
          });
          assert.match(await log(), /session ends: idle: Nobody used this session for 15 s/);
          jobId = ""; // nothing left to cancel
        },
      );
    } finally {
      await browser.close();
      await nginx.stop();
      if (jobId) {
        await new Deno.Command("scancel", { args: [jobId], env: cluster.env }).output();
        await waitFor("the job to end", async () => {
          const q = await new Deno.Command("squeue", { args: ["-h", "-j", jobId], env: cluster.env })
            .output();
          return new TextDecoder().decode(q.stdout).trim() === "";
        }, { timeoutMs: 30_000, intervalMs: 200 }).catch(() => {});
      }
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
