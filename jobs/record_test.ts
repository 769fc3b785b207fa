import assert from "node:assert/strict";
import { join } from "node:path";
import {
  createSessionDir,
  listRecords,
  readRecord,
  removeRecord,
  sessionsRoot,
  writeRecord,
} from "./record.ts";

async function withDataHome(fn: (home: string) => void | Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "selkies-record-" });
  const old = Deno.env.get("XDG_DATA_HOME");
  Deno.env.set("XDG_DATA_HOME", home);
  try {
    await fn(home);
  } finally {
    if (old === undefined) Deno.env.delete("XDG_DATA_HOME");
    else Deno.env.set("XDG_DATA_HOME", old);
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("sessionsRoot honours XDG_DATA_HOME, else ~/.local/share", async () => {
  await withDataHome((home) => {
    assert.equal(sessionsRoot(), join(home, "selkies-hpc", "sessions"));
    Deno.env.delete("XDG_DATA_HOME");
    assert.equal(sessionsRoot(), join(Deno.env.get("HOME")!, ".local/share/selkies-hpc/sessions"));
  });
});

Deno.test("createSessionDir makes a 0700 folder with a fresh 256-bit token in a 0600 file", async () => {
  await withDataHome(async (home) => {
    const umask = Deno.umask(0o000); // a permissive umask must not widen the modes
    try {
      const a = await createSessionDir();
      const b = await createSessionDir();
      assert.equal(a.dir, join(home, "selkies-hpc", "sessions", a.sessionId));
      assert.equal((await Deno.stat(a.dir)).mode! & 0o777, 0o700);
      assert.equal((await Deno.stat(join(a.dir, "token"))).mode! & 0o777, 0o600);
      assert.equal((await Deno.readTextFile(join(a.dir, "token"))).trim(), a.token);
      assert.match(a.token, /^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url, no padding
      assert.notEqual(a.token, b.token);
      assert.notEqual(a.sessionId, b.sessionId);
    } finally {
      Deno.umask(umask);
    }
  });
});

Deno.test("records round-trip, stay private, never hold the token, and are removed with their folder", async () => {
  await withDataHome(async () => {
    const s1 = await createSessionDir();
    const s2 = await createSessionDir();
    const r1 = { jobId: "11", sessionId: s1.sessionId, dir: s1.dir, createdAt: "2026-01-01T00:00:00.000Z" };
    const r2 = {
      jobId: "12",
      sessionId: s2.sessionId,
      dir: s2.dir,
      node: "gpu01",
      url: "https://gw/s/x",
      createdAt: "2026-01-02T00:00:00.000Z",
    };
    await writeRecord(r2);
    await writeRecord(r1);
    await writeRecord({ ...r1, node: "gpu02" }); // replace
    const file = join(s1.dir, "record.json");
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    assert.ok(!(await Deno.readTextFile(file)).includes(s1.token));
    // No temp files left behind by the atomic writes.
    assert.deepEqual((await Array.fromAsync(Deno.readDir(s1.dir))).map((e) => e.name).sort(), [
      "record.json",
      "token",
    ]);
    assert.deepEqual(await readRecord("11"), { ...r1, node: "gpu02" });
    assert.deepEqual((await listRecords()).map((r) => r.jobId), ["11", "12"]);
    assert.equal(await readRecord("99"), undefined);

    assert.equal(await removeRecord("11"), true);
    assert.equal(await removeRecord("11"), false);
    await assert.rejects(Deno.stat(s1.dir), Deno.errors.NotFound);
    assert.deepEqual((await listRecords()).map((r) => r.jobId), ["12"]);
  });
});

Deno.test("listRecords is empty without a sessions folder and skips folders without a valid record", async () => {
  await withDataHome(async () => {
    assert.deepEqual(await listRecords(), []);
    const s = await createSessionDir(); // no record yet
    await Deno.writeTextFile(join(s.dir, "record.json"), "{not json");
    assert.deepEqual(await listRecords(), []);
  });
});

Deno.test("writeRecord stores a session URL without its secret", async () => {
  await withDataHome(async () => {
    const s = await createSessionDir();
    const createdAt = "2026-01-01T00:00:00.000Z";
    await writeRecord({
      jobId: "7",
      sessionId: s.sessionId,
      dir: s.dir,
      url: `http://gpu01:8080/?token=${s.token}`,
      createdAt,
    });
    const text = await Deno.readTextFile(join(s.dir, "record.json"));
    assert.ok(!text.includes(s.token), "the token is not in record.json");
    assert.equal((await readRecord("7"))?.url, "http://gpu01:8080/");
  });
});
