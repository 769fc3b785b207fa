import assert from "node:assert/strict";
import { join } from "node:path";
import { loadOrCreateToken, readSessionToken, TOKEN_FILE, writeSessionToken } from "./session_token.ts";

Deno.test("session token: made once (0600), read back, never replaced by a second load", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = join(root, "s");
    assert.equal(await readSessionToken(dir), undefined);
    const token = await loadOrCreateToken(dir);
    assert.equal((await Deno.stat(join(dir, TOKEN_FILE))).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    assert.equal(await loadOrCreateToken(dir), token);
    assert.equal(await readSessionToken(dir), token);
    await writeSessionToken(dir, "short");
    assert.equal(await readSessionToken(dir), undefined, "too short to be one of ours");
    assert.notEqual(await loadOrCreateToken(undefined), await loadOrCreateToken(undefined));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
