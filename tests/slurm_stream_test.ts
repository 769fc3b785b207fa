/**
 * A session as a real SLURM job: `selkies-hpc submit` runs `selkies-hpc stream` on the harness's
 * node, reports the URL when the first frame is ready, Chromium decodes frames from it, and
 * `selkies-hpc cancel` leaves no process of the session behind.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startSlurmCluster } from "./harness/mod.ts";
import { launchBrowser } from "./fixtures/browser.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Pids of live processes whose environment carries `SLURM_JOB_ID=<jobId>` (the job's whole tree). */
async function jobProcesses(jobId: string): Promise<number[]> {
  const needle = new TextEncoder().encode(`SLURM_JOB_ID=${jobId}\0`);
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const env = await Deno.readFile(`/proc/${entry.name}/environ`);
      if (indexOf(env, needle) >= 0) pids.push(Number(entry.name));
    } catch {
      // Gone, or a kernel thread.
    }
  }
  return pids;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

Deno.test({
  name: "a SLURM job streams a desktop to Chromium and leaves nothing behind when cancelled",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const cluster = await startSlurmCluster();
    const home = await Deno.makeTempDir({ prefix: "selkies-slurm-stream-" });
    const env = {
      ...cluster.env,
      HOME: home,
      XDG_CONFIG_HOME: `${home}/xdg`,
      XDG_DATA_HOME: `${home}/data`,
      SELKIES_SITE_CONFIG: `${home}/site.yaml`,
      NO_COLOR: "1",
    };
    const cli = async (...args: string[]) => {
      const out = await new Deno.Command(`${ROOT}selkies-hpc`, {
        args,
        env,
        stdout: "piped",
        stderr: "piped",
      })
        .output();
      const d = new TextDecoder();
      return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
    };
    const browser = await launchBrowser();
    let jobId = "";
    try {
      const sub = await cli(
        "submit",
        "--json",
        "--partition",
        cluster.partition,
        "--time",
        "00:10:00",
        "--gpus",
        "1",
        "--geometry",
        "1280x720",
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

      const cancel = await cli("cancel", jobId);
      assert.equal(cancel.code, 0, cancel.stderr);
      const deadline = Date.now() + 30_000;
      let left = await jobProcesses(jobId);
      while (left.length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        left = await jobProcesses(jobId);
      }
      const names = await Promise.all(
        left.map((pid) => Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "?")),
      );
      assert.deepEqual(names, [], "no process of the session is left after scancel");
      jobId = "";
    } finally {
      await browser.close();
      if (jobId) await cli("cancel", jobId);
      await cluster.stop();
      await Deno.remove(home, { recursive: true }).catch(() => {});
    }
  },
});
