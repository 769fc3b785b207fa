/**
 * Session ids are public (`scontrol show job` shows `StdOut=.../sessions/<id>/job.log`), so a second real
 * Unix user with a running job of their own tries to register a victim's session id: before the victim's
 * streamer does, and after a gateway restart while the victim's streamer is reconnecting. Real munged,
 * slurmctld and slurmd; the attacker's job runs as that user and their MUNGE credential carries their UID.
 */
import assert from "node:assert/strict";
import { startSlurmCluster } from "./harness/slurm.ts";
import { openSocket, sessionSecret, startSiteGateway, submitSleepJob } from "./harness/gateway.ts";
import type { RunningGateway } from "../web/gateway/mod.ts";
import { connectTunnel, type TunnelHandle } from "../streamer/tunnel/mod.ts";
import { registrationPayload, TUNNEL_VERSION, TunnelCloseCode } from "../protocol/tunnel.ts";
import { sessionKeys } from "../protocol/session_id.ts";
import { createSessionDir } from "../jobs/record.ts";
import { runCommand } from "../exec.ts";

const ATTACKER = "selkies-mallory";
const text = new TextDecoder();

/** Creates the attacker's Unix account unless it exists; returns whether this test created it. */
async function ensureUser(name: string): Promise<boolean> {
  if (
    (await new Deno.Command("id", { args: ["-u", name], stdout: "null", stderr: "null" }).output()).success
  ) {
    return false;
  }
  const out = await new Deno.Command("useradd", {
    args: ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
    stderr: "piped",
  }).output();
  assert.ok(out.success, text.decode(out.stderr));
  return true;
}

/** A MUNGE credential over `payload`, made by `user` (so it carries that user's UID). */
async function mungeAs(user: string, payload: string, socket: string): Promise<string> {
  const out = await runCommand("runuser", ["-u", user, "--", "munge", "--socket", socket], {
    stdin: payload,
  });
  assert.equal(out.code, 0, out.stderr);
  return out.stdout.trim();
}

Deno.test("another user cannot register or take over a session id they can see", async (t) => {
  const created = await ensureUser(ATTACKER);
  const cluster = await startSlurmCluster();
  const handles: TunnelHandle[] = [];
  let gw: RunningGateway | undefined;
  const start = async (port = 0) => {
    gw = await startSiteGateway(cluster, { port, pingMs: 500 });
  };
  try {
    const victimJob = await submitSleepJob(cluster);
    const attackerJob = await submitSleepJob(cluster, { asUser: ATTACKER });
    await start();
    const victim = sessionSecret();
    const attacker = sessionSecret();

    /** The attacker registers `sessionId` for their own job with their own secret's key and hash. */
    const squat = async (sessionId: string) => {
      const reg = {
        jobId: attackerJob,
        user: ATTACKER,
        node: cluster.nodeName,
        sessionId,
        tokenHash: attacker.tokenHash,
        capabilities: [],
      };
      const ts = Date.now();
      const cred = await mungeAs(ATTACKER, registrationPayload(reg, ts), cluster.mungeSocket);
      const socket = openSocket(`${gw!.url.replace("http", "ws")}tunnel`);
      await socket.opened;
      const key = attacker.registrationKey;
      socket.ws.send(JSON.stringify({ t: "register", v: TUNNEL_VERSION, reg, key, ts, cred }));
      return socket;
    };
    const victimTunnel = () => {
      const handle = connectTunnel({
        gatewayUrl: gw!.url,
        registration: { jobId: victimJob, user: "root", node: cluster.nodeName },
        token: victim.token,
        mungeSocket: cluster.mungeSocket,
        onViewer: (socket) => socket.send("victim's desktop"),
      });
      handles.push(handle);
      return handle;
    };
    const ownerLink = async () => {
      const res = await fetch(`${gw!.url}s/${victim.sessionId}/?token=${victim.token}`, {
        redirect: "manual",
      });
      await res.body?.cancel();
      return res.status;
    };

    await t.step("the attacker's own session registers (their job and credential are sound)", async () => {
      const own = await squat(attacker.sessionId);
      assert.equal(JSON.parse(String(await own.next())).t, "registered");
      assert.equal(gw!.registry.get(attacker.sessionId)?.uid, Number(await uidOf(ATTACKER)));
      own.ws.close();
      await own.closed;
    });

    await t.step(
      "registering the victim's id first is refused; the victim's registration works",
      async () => {
        const early = await squat(victim.sessionId);
        const answer = JSON.parse(String(await early.next()));
        assert.deepEqual(answer.t, "error", `the squatter was answered ${JSON.stringify(answer)}`);
        assert.match(answer.message, /does not derive from the registration key/);
        assert.equal(await early.closed, TunnelCloseCode.rejected);
        assert.equal(gw!.registry.get(victim.sessionId), undefined);
        const tunnel = victimTunnel();
        assert.equal((await tunnel.ready).sessionUrl, `${gw!.url}s/${victim.sessionId}/`);
        assert.equal(await ownerLink(), 303);
        tunnel.close();
      },
    );

    await t.step(
      "after a gateway restart the attacker cannot take the id; the victim gets it back",
      async () => {
        const port = gw!.port;
        await gw!.stop();
        await start(port);
        // The victim's streamer has not re-registered yet: the id is free on the new gateway.
        const late = await squat(victim.sessionId);
        const answer = JSON.parse(String(await late.next()));
        assert.equal(answer.t, "error", `the squatter was answered ${JSON.stringify(answer)}`);
        assert.equal(await late.closed, TunnelCloseCode.rejected);
        const tunnel = victimTunnel();
        await tunnel.ready;
        assert.equal(gw!.registry.get(victim.sessionId)?.reg.jobId, victimJob);
        assert.equal(await ownerLink(), 303);
        // And while the victim holds it, the attacker still cannot take it over.
        const again = await squat(victim.sessionId);
        assert.equal(JSON.parse(String(await again.next())).t, "error");
        await again.closed;
        assert.equal(gw!.registry.get(victim.sessionId)?.tunnel.open, true);
        assert.equal(gw!.registry.get(victim.sessionId)?.reg.jobId, victimJob);
      },
    );

    await t.step("submit and the portal name a session by the id its own secret derives", async () => {
      const root = await Deno.makeTempDir({ prefix: "selkies-squat-" });
      try {
        const session = await createSessionDir({ root });
        assert.equal(session.sessionId, sessionKeys(session.token).sessionId);
        assert.equal(session.dir, `${root}/${session.sessionId}`);
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    });
  } finally {
    for (const handle of handles) handle.close();
    await gw?.stop();
    await cluster.stop();
    if (created) await new Deno.Command("userdel", { args: [ATTACKER] }).output();
  }
});

async function uidOf(user: string): Promise<string> {
  return text.decode((await new Deno.Command("id", { args: ["-u", user] }).output()).stdout).trim();
}
