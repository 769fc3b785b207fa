/**
 * The gateway end to end with real parts only: a streamer (`selkies-hpc stream --gateway`) runs
 * for a real SLURM job inside its own network namespace, whose only link leads to the gateway;
 * headless Chromium watches and types through the gateway, over the WebSocket and over WebRTC
 * relayed by a real coturn, and keeps streaming across a gateway restart.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { startSlurmCluster } from "./harness/slurm.ts";
import { openSocket, startSiteGateway, streamerNodeName, streamThroughGateway } from "./harness/gateway.ts";
import { createNetNamespace } from "./harness/netns.ts";
import { startCoturn } from "./harness/coturn.ts";
import { freePort } from "./fixtures/net.ts";
import { launchBrowser } from "./fixtures/browser.ts";
import { type Cleanup, runCleanups } from "./fixtures/cleanup.ts";
import { delay, waitFor } from "./fixtures/async.ts";
import type { RunningGateway } from "../web/gateway/mod.ts";

type Win = typeof globalThis & {
  selkiesStats: { framesDecoded: number; transport: string };
  pcs: RTCPeerConnection[];
};
const frames = (page: Page) => page.evaluate(() => (globalThis as Win).selkiesStats?.framesDecoded ?? 0);
const waitFrames = (page: Page, atLeast: number, timeout = 30_000) =>
  page.waitForFunction((n) => (globalThis as Win).selkiesStats?.framesDecoded >= n, atLeast, { timeout });

Deno.test("a streamer behind a closed network reaches the browser only through the gateway", async (t) => {
  const cleanups: Cleanup[] = [];
  try {
    const cluster = await startSlurmCluster({ nodeName: streamerNodeName() });
    cleanups.push(() => cluster.stop());
    const ns = await createNetNamespace();
    cleanups.push(() => ns.close());
    const turn = await startCoturn({ ip: ns.hostIp });
    cleanups.push(() => turn.stop());
    const dir = await Deno.makeTempDir({ prefix: "selkies-gw-e2e-" });
    cleanups.push(() => Deno.remove(dir, { recursive: true }));
    const typed = `${dir}/typed.txt`;
    await Deno.writeTextFile(typed, "");
    await Deno.chmod(dir, 0o755);

    // The same address and port again after a restart.
    const port = freePort(ns.hostIp);
    const startGateway = () =>
      startSiteGateway(cluster, {
        hostname: ns.hostIp,
        port,
        turn: { urls: [turn.url], secret: turn.secret },
      });
    let gw: RunningGateway = await startGateway();
    cleanups.push(() => gw.stop());

    const desktop =
      `gst-launch-1.0 -q videotestsrc pattern=smpte ! video/x-raw,width=640,height=360,framerate=5/1 ` +
      `! ximagesink & exec xterm -geometry 40x5+700+400 -e sh -c 'cat > ${typed}'`;
    const stream = await streamThroughGateway(cluster, gw.url, {
      geometry: "1280x720",
      fps: 30,
      desktop,
      runUnder: ns.enter,
      dir,
    });
    cleanups.push(() => stream.stop());
    assert.ok(stream.url.startsWith(`${gw.url}s/`), stream.url);
    const sessionPage = stream.url.replace(/\?token=.*/, "");

    const browser = await launchBrowser({
      // WebCodecs needs a secure context: treat the gateway's plain-http address as one.
      flags: [`--unsafely-treat-insecure-origin-as-secure=${gw.url.slice(0, -1)}`],
    });
    cleanups.push(() => browser.close());
    const page = await browser.context.newPage();

    await t.step("WebSocket video decodes through the tunnel", async () => {
      await page.goto(`${stream.url}&transport=websocket&resize=off`);
      await waitFrames(page, 30);
      assert.equal(await page.evaluate(() => (globalThis as Win).selkiesStats.transport), "websocket");
    });

    await t.step("the streamer's namespace has no listening socket of the streamer", async () => {
      const out = await ns.command("ss", { args: ["-lntupH"], stdout: "piped" }).output();
      const listeners = new TextDecoder().decode(out.stdout).trim().split("\n").filter(Boolean);
      assert.deepEqual(listeners.filter((l) => /"deno"/.test(l)), [], listeners.join("\n"));
      // And the gateway's side cannot reach into the namespace except through that link.
      const direct = await ns.command("curl", {
        args: ["-s", "-m", "2", "-o", "/dev/null", `http://127.0.0.1:${gw.port}/healthz`],
      }).output();
      assert.equal(direct.success, false);
    });

    await t.step("keys typed in the page land in an X window", async () => {
      await page.mouse.click(800, 430);
      await page.keyboard.type("hello");
      await page.keyboard.press("Enter");
      await waitFor("typed text", async () => (await Deno.readTextFile(typed)).includes("hello"), {
        timeoutMs: 5000,
        intervalMs: 200,
      });
      assert.equal(await Deno.readTextFile(typed), "hello\n");
    });

    await t.step("a view-only link's input never reaches X, the owner's same input does", async () => {
      const owner = (await browser.context.cookies(sessionPage)).map((c) => `${c.name}=${c.value}`).join(
        "; ",
      );
      const response = await fetch(`${sessionPage}share`, { method: "POST", headers: { cookie: owner } });
      assert.equal(response.status, 200);
      const { url } = await response.json() as { url: string };
      const exchange = await fetch(url, { redirect: "manual" });
      await exchange.body?.cancel();
      const viewOnly = exchange.headers.get("set-cookie")!.split(";")[0];
      const keys = (socket: WebSocket, keysyms: number[]) => {
        socket.send(JSON.stringify({ t: "ma", x: 800, y: 430 }));
        for (const k of keysyms) {
          socket.send(JSON.stringify({ t: "kd", k }));
          socket.send(JSON.stringify({ t: "ku", k }));
        }
      };
      const open = async (cookie: string) => {
        const socket = openSocket(`${sessionPage.replace("http", "ws")}ws`, {
          origin: gw.url.slice(0, -1),
          cookie,
        });
        await socket.opened;
        await socket.next(); // hello: the streamer accepted the viewer
        return socket;
      };
      const viewer = await open(viewOnly);
      keys(viewer.ws, [0x7a, 0xff0d]); // "z", Return
      await delay(1500);
      viewer.ws.close();
      const ownerSocket = await open(owner);
      keys(ownerSocket.ws, [0x61, 0xff0d]); // "a", Return
      await waitFor("owner keys", async () => (await Deno.readTextFile(typed)).includes("a\n"), {
        timeoutMs: 5000,
        intervalMs: 200,
      });
      ownerSocket.ws.close();
      assert.equal(await Deno.readTextFile(typed), "hello\na\n");
    });

    await t.step("malformed and oversized browser frames close that viewer, not the stream", async () => {
      const cookie = (await browser.context.cookies(sessionPage)).map((c) => `${c.name}=${c.value}`).join(
        "; ",
      );
      const bad = openSocket(`${sessionPage.replace("http", "ws")}ws`, {
        origin: gw.url.slice(0, -1),
        cookie,
      });
      await bad.opened;
      bad.ws.send("{not json");
      bad.ws.send(JSON.stringify({ t: "kd", keysym: "not a number" }));
      bad.ws.send(new Uint8Array([0xff, 0, 1, 2]));
      bad.ws.send("x".repeat(1024 * 1024));
      assert.equal(await bad.closed, 1009);
      const before = await frames(page);
      await waitFrames(page, before + 30, 10_000);
      assert.equal(await Deno.readTextFile(typed), "hello\na\n");
    });

    await t.step("WebRTC with relay-only ICE decodes frames through coturn", async () => {
      const rtc = await browser.context.newPage();
      await rtc.addInitScript(() => {
        const Native = RTCPeerConnection;
        (globalThis as Win).pcs = [];
        globalThis.RTCPeerConnection = class extends Native {
          constructor(config?: RTCConfiguration) {
            super(config);
            (globalThis as Win).pcs.push(this);
          }
        } as typeof RTCPeerConnection;
      });
      await rtc.goto(`${stream.url}&transport=webrtc&relay=1&resize=off`);
      await waitFrames(rtc, 30, 40_000);
      assert.equal(await rtc.evaluate(() => (globalThis as Win).selkiesStats.transport), "webrtc");
      const types = await rtc.evaluate(async () => {
        const report = await (globalThis as Win).pcs.at(-1)!.getStats();
        const all = [...report.values()];
        const pair = all.find((s) => s.type === "candidate-pair" && s.nominated && s.state === "succeeded");
        return {
          local: all.filter((s) => s.type === "local-candidate").map((s) => s.candidateType),
          selected: all.find((s) => s.id === pair?.localCandidateId)?.candidateType,
          relayAddress: all.find((s) => s.id === pair?.localCandidateId)?.address,
        };
      });
      assert.equal(types.selected, "relay");
      assert.deepEqual([...new Set(types.local)], ["relay"]);
      // The relay address is the test's coturn (the only TURN server the gateway hands out).
      assert.equal(types.relayAddress, ns.hostIp);
      await rtc.close();
    });

    await t.step("after a gateway restart the page resumes by itself within 10 s", async () => {
      await waitFrames(page, (await frames(page)) + 10, 10_000);
      await gw.stop();
      gw = await startGateway();
      const before = await frames(page);
      await waitFrames(page, before + 30, 10_000);
    });
  } finally {
    await runCleanups(cleanups);
  }
});
