/**
 * A view-only share link through the gateway gets WebRTC: the gateway and the streamer apply the same rule
 * for what a view-only viewer may send (protocol/protocol.ts), so its WebRTC signalling passes while its
 * input does not. Real parts: munged + SLURM (a running job), the gateway, `selkies-hpc stream --gateway`,
 * headless Chromium.
 */
import assert from "node:assert/strict";
import { startSlurmCluster } from "./harness/slurm.ts";
import { startSiteGateway, streamerNodeName, streamThroughGateway } from "./harness/gateway.ts";
import { launchBrowser } from "./fixtures/browser.ts";
import { type Cleanup, runCleanups } from "./fixtures/cleanup.ts";

type Win = typeof globalThis & {
  selkiesStats: { framesDecoded: number; transport: string; transportReason: string };
};

Deno.test({
  name: "a view-only link through the gateway streams over WebRTC",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const cleanups: Cleanup[] = [];
    try {
      const cluster = await startSlurmCluster({ nodeName: streamerNodeName() });
      cleanups.push(() => cluster.stop());
      const gw = await startSiteGateway(cluster);
      cleanups.push(() => gw.stop());
      const stream = await streamThroughGateway(cluster, gw.url, {
        geometry: "640x360",
        fps: 30,
        args: ["--app", "xterm -e top -d 0.1"],
      });
      cleanups.push(() => stream.stop());

      // The owner makes a view-only share link.
      const page = stream.url.replace(/\?token=.*/, "");
      const login = await fetch(stream.url, { redirect: "manual" });
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
      await runCleanups(cleanups);
    }
  },
});
