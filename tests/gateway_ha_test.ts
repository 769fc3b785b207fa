/**
 * More than one gateway: sessions spread over two gateway processes behind a real nginx hashing on the
 * session id; one gateway is killed (SIGKILL) and its sessions re-register through nginx with the survivor,
 * where viewers reach them again, also once the killed gateway is back. The re-registration times are
 * bench/scale.ts's to measure.
 */
import assert from "node:assert/strict";
import { startSlurmCluster } from "./harness/mod.ts";
import { waitFor } from "./fixtures/async.ts";
import {
  benchJob,
  holderOf,
  registerEchoSessions,
  startGatewayPair,
  viewerEcho,
} from "../bench/_scale_ha.ts";

const SESSIONS = 20;

Deno.test("sessions spread over two gateways behind nginx move to the survivor when one is killed", async () => {
  await using cluster = await startSlurmCluster();
  await using pair = await startGatewayPair(cluster);
  const job = await benchJob(cluster, pair.url);
  const sessions = await registerEchoSessions(job, SESSIONS);
  try {
    // nginx spreads the sessions: each is on one of the two gateways, and both hold some.
    const holders = await Promise.all(sessions.map((s) => holderOf(s, pair.directUrls)));
    assert.ok(holders.every((h) => h === 0 || h === 1), `holders: ${holders}`);
    const onFirst = holders.filter((h) => h === 0).length;
    assert.ok(onFirst > 0 && onFirst < SESSIONS, `${onFirst} of ${SESSIONS} on the first gateway`);
    // Viewers reach every session through nginx, whichever gateway holds it.
    for (const s of sessions) assert.ok(await viewerEcho(s), `viewer of ${s.id} before the kill`);

    Deno.kill(pair.gateways[0].pid, "SIGKILL");
    const moved = sessions.filter((_, i) => holders[i] === 0);
    await waitFor(
      "the killed gateway's sessions to re-register",
      () => moved.every((s) => s.registeredAt.length >= 2),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    // Every session now lives on the survivor and its viewers reach it through the same nginx URL.
    const after = await Promise.all(sessions.map((s) => holderOf(s, pair.directUrls)));
    assert.deepEqual(after, sessions.map(() => 1));
    for (const s of sessions) assert.ok(await viewerEcho(s), `viewer of ${s.id} after the kill`);
    // Sessions on the survivor kept their tunnel.
    for (const [i, s] of sessions.entries()) {
      if (holders[i] === 1) assert.equal(s.registeredAt.length, 1, `${s.id} re-registered needlessly`);
    }
    // The killed gateway comes back: the moved sessions stay on the survivor, and their viewers, hashed to
    // the restarted gateway again, still reach them (it answers 404, nginx passes the request on).
    await pair.restart(0);
    const fresh = await waitFor("a new session on the restarted gateway", async () => {
      const [s] = await registerEchoSessions(job, 1);
      if (await holderOf(s, pair.directUrls) === 0) return s;
      s.close();
    }, { timeoutMs: 60_000, intervalMs: 500 });
    fresh.close();
    for (const s of moved) assert.ok(await viewerEcho(s), `viewer of ${s.id} after the restart`);
    assert.deepEqual(
      await Promise.all(sessions.map((s) => holderOf(s, pair.directUrls))),
      sessions.map(() => 1),
    );
  } finally {
    for (const s of sessions) s.close();
  }
});
