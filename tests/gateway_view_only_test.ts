/**
 * A view-only share link through the gateway gets WebRTC: the gateway and the streamer apply the same rule
 * for what a view-only viewer may send (protocol/protocol.ts), so its WebRTC signalling passes while its
 * input does not. Real parts: munged + SLURM (a running job), the gateway, `selkies-hpc stream --gateway`,
 * headless Chromium.
 */
import assert from "node:assert/strict";
import { hostname } from "node:os";
import { startSlurmCluster } from "./harness/slurm.ts";
import { submitSleepJob } from "./harness/gateway.ts";
import { launchBrowser } from "./fixtures/browser.ts";
import { runGateway } from "../web/gateway/mod.ts";

type Win = typeof globalThis & {
  selkiesStats: { framesDecoded: number; transport: string; transportReason: string };
};
const CLI = new URL("../selkies-hpc", import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test({
  name: "a view-only link through the gateway streams over WebRTC",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const cleanups: (() => Promise<unknown> | unknown)[] = [];
    try {
      // Outside a job step the streamer claims the short host name: name the node after it.
      const cluster = await startSlurmCluster({ nodeName: hostname().split(".")[0] });
      cleanups.push(() => cluster.stop());
      const dir = await Deno.makeTempDir({ prefix: "selkies-gw-viewonly-" });
      cleanups.push(() => Deno.remove(dir, { recursive: true }));
      const gw = await runGateway({
        mode: "site",
        auth: { mode: "token" },
        port: 0,
        mungeSocket: cluster.mungeSocket,
        slurmEnv: cluster.env,
      });
      cleanups.push(() => gw.stop());
      const jobId = await submitSleepJob(cluster);
      const streamer = new Deno.Command(CLI, {
        args: ["stream", "--gateway", gw.url, "--geometry", "640x360", "--fps", "30", "--no-audio"]
          .concat(["--app", "xterm -e top -d 0.1", "--ready-file", `${dir}/ready.json`])
          .concat(["--session-dir", `${dir}/session`]),
        env: {
          SLURM_JOB_ID: jobId,
          SELKIES_MUNGE_SOCKET: cluster.mungeSocket,
          SELKIES_SITE_CONFIG: "/nonexistent",
        },
        stdout: "null",
        stderr: "piped",
      }).spawn();
      let log = "";
      const logDone = streamer.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
        new WritableStream({ write: (chunk) => void (log += chunk) }),
      );
      cleanups.push(async () => {
        try {
          streamer.kill("SIGTERM");
        } catch { /* already exited */ }
        const timer = setTimeout(() => streamer.kill("SIGKILL"), 15_000);
        await streamer.status;
        clearTimeout(timer);
        await logDone.catch(() => {});
      });
      let ready: { url: string } | undefined;
      for (const deadline = Date.now() + 90_000; !ready && Date.now() < deadline; await sleep(200)) {
        ready = await Deno.readTextFile(`${dir}/ready.json`).then(JSON.parse, () => undefined);
      }
      assert.ok(ready, `the streamer never became ready:\n${log.slice(-3000)}`);

      // The owner makes a view-only share link.
      const page = ready.url.replace(/\?token=.*/, "");
      const login = await fetch(ready.url, { redirect: "manual" });
      await login.body?.cancel();
      const owner = login.headers.get("set-cookie")!.split(";")[0];
      const shared = await fetch(`${page}share`, {
        method: "POST",
        headers: { cookie: owner, origin: gw.url.slice(0, -1) },
      });
      assert.equal(shared.status, 200);
      const { url } = await shared.json() as { url: string };

      const browser = await launchBrowser();
      cleanups.push(() => browser.close());
      const viewer = await browser.context.newPage();
      // The default transport (auto): WebRTC unless it fails to connect within 5 s.
      await viewer.goto(`${url}&resize=off`);
      try {
        await viewer.waitForFunction(
          () => (globalThis as Win).selkiesStats?.transport === "webrtc",
          null,
          { timeout: 30_000 },
        );
      } catch {
        const stats = await viewer.evaluate(() => (globalThis as Win).selkiesStats);
        assert.fail(`the view-only viewer did not get WebRTC: ${JSON.stringify(stats)}`);
      }
      const before = await viewer.evaluate(() => (globalThis as Win).selkiesStats.framesDecoded);
      await viewer.waitForFunction(
        (n) => (globalThis as Win).selkiesStats.framesDecoded >= n,
        before + 30,
        { timeout: 20_000 },
      );
      assert.equal(await viewer.evaluate(() => (globalThis as Win).selkiesStats.transport), "webrtc");
      assert.ok(
        gw.metrics.messagesRefused === 0,
        "no signalling message of the view-only viewer was refused",
      );
    } finally {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          console.error("cleanup failed:", error);
        }
      }
    }
  },
});
