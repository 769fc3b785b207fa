import assert from "node:assert/strict";
import { join } from "node:path";
import { newSecret, safeEqual, sha256, writePrivateFile } from "./secrets.ts";

Deno.test("newSecret: 256 random bits, base64url, never the same twice", () => {
  const secrets = new Set(Array.from({ length: 100 }, () => newSecret()));
  assert.equal(secrets.size, 100);
  for (const s of secrets) assert.match(s, /^[A-Za-z0-9_-]{43}$/);
  assert.match(newSecret(6), /^[A-Za-z0-9_-]{8}$/);
});

Deno.test("sha256 is base64url of the UTF-8 digest", () => {
  assert.equal(sha256(""), "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
  assert.equal(sha256("€").length, 43);
});

Deno.test("safeEqual compares strings and bytes of any length", () => {
  assert.equal(safeEqual("s3cret", "s3cret"), true);
  assert.equal(safeEqual("s3cret", "s3cre"), false);
  assert.equal(safeEqual("", "x"), false);
  assert.equal(safeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
  assert.equal(safeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3])), false);
});

Deno.test("writePrivateFile writes 0600 whatever the umask, replaces atomically, leaves no temp file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "selkies-secrets-test-" });
  const previous = Deno.umask(0o000);
  try {
    const path = join(dir, "token");
    await writePrivateFile(path, "one\n");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    await Deno.chmod(path, 0o644);
    await writePrivateFile(path, new TextEncoder().encode("two\n"));
    assert.equal(await Deno.readTextFile(path), "two\n");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600, "a replaced file is private again");
    await assert.rejects(writePrivateFile(join(dir, "missing", "token"), "x"), Deno.errors.NotFound);
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["token"]);
  } finally {
    Deno.umask(previous);
    await Deno.remove(dir, { recursive: true });
  }
});
