import assert from "node:assert/strict";
import { listFolder } from "./listing.ts";
import { TransferError, TransferRoot } from "./root.ts";
import { expandPath, openTransfer } from "./settings.ts";

async function folder(): Promise<{ dir: string; root: TransferRoot } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "selkies-transfer-test-" });
  await Deno.mkdir(`${dir}/sub/deeper`, { recursive: true });
  await Deno.writeTextFile(`${dir}/sub/a.txt`, "a");
  await Deno.writeTextFile(`${dir}/日本語 ok.txt`, "unicode");
  await Deno.symlink("/etc", `${dir}/etc-link`);
  await Deno.symlink("/etc/passwd", `${dir}/passwd-link`);
  await Deno.symlink("sub/a.txt", `${dir}/inside-link`);
  await Deno.writeTextFile(`${dir}/.selkies-upload-0123.part`, "half");
  const root = await TransferRoot.open(dir);
  return { dir, root, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

Deno.test("hostile paths are refused with the reason, fine ones resolve inside the folder", async () => {
  await using f = await folder();
  const refused: [string, RegExp][] = [
    ["../x", /refused: the name "\.\." names a folder/],
    ["..", /refused: the name "\.\." names a folder/],
    [".", /refused: the name "\." names a folder/],
    ["/etc/passwd", /refused: absolute paths are refused/],
    ["sub/../../etc", /refused: the name "\.\."/],
    ["a\u0000b", /NUL or control/],
    ["x".repeat(300), /longer than 255 bytes/],
    ["etc-link", /leads out of the transfer folder/],
    ["etc-link/passwd", /leads out of the transfer folder/],
    ["passwd-link", /leads out of the transfer folder/],
    ["missing", /does not exist/],
  ];
  for (const [path, why] of refused) {
    await assert.rejects(f.root.file(path), (e) => e instanceof TransferError && why.test(e.message), path);
    await assert.rejects(f.root.folder(path), TransferError, path);
  }
  assert.equal((await f.root.file("日本語 ok.txt")).size, 7);
  assert.equal((await f.root.file("inside-link")).path, `${f.root.path}/sub/a.txt`, "a link inside is fine");
  assert.equal(await f.root.folder("sub/deeper"), `${f.root.path}/sub/deeper`);
  await assert.rejects(f.root.file("sub"), /not a regular file/);
  await assert.rejects(f.root.folder("sub/a.txt"), /not a folder/);
  assert.throws(() => TransferRoot.checkName("a/b"), /refused: the name "a\/b" contains "\/"/);
});

Deno.test("a listing: folders first, links out and uploads in progress offered for nothing", async () => {
  await using f = await folder();
  await Deno.writeTextFile(`${f.dir}/new\nline`, "x");
  const listing = await listFolder(f.root, "");
  const byName = new Map(listing.entries.map((e) => [e.name, e]));
  assert.equal(listing.entries[0].name, "sub");
  assert.equal(byName.get("sub")?.kind, "dir");
  assert.equal(byName.get("etc-link")?.kind, "other");
  assert.equal(byName.get("passwd-link")?.kind, "other");
  assert.equal(byName.get("new\nline")?.kind, "other");
  assert.deepEqual({ ...byName.get("inside-link"), mtime: 0 }, {
    name: "inside-link",
    kind: "file",
    size: 1,
    mtime: 0,
  });
  assert.equal(byName.get("日本語 ok.txt")?.size, 7);
  assert.ok(byName.get("日本語 ok.txt")!.mtime > Date.now() - 60_000);
  assert.ok(!byName.has(".selkies-upload-0123.part"));
  assert.equal(listing.truncated, false);
  await assert.rejects(listFolder(f.root, "etc-link"), /leads out/);
});

Deno.test("the transfer folder: default, ~ and $VARIABLES, and a missing one is reported, not fatal", async () => {
  await using f = await folder();
  assert.equal(expandPath("${SCRATCH}/x", { SCRATCH: "/s" }, "/"), "/s/x");
  assert.equal(expandPath("~/in", { HOME: "/h" }, "/"), "/h/in");
  assert.throws(() => expandPath("$NOPE/x", {}, "/"), /names \$NOPE, which is not set/);
  const byDefault = await openTransfer({ transfer: true, transferMaxBytes: 10 }, {}, f.dir);
  assert.equal(byDefault?.settings?.root.path, await Deno.realPath(f.dir));
  assert.deepEqual(byDefault?.hello, { maxBytes: 10 });
  const relative = await openTransfer(
    { transfer: true, transferDir: "sub", transferMaxBytes: 10 },
    {},
    f.dir,
  );
  assert.equal(relative?.settings?.root.path, `${await Deno.realPath(f.dir)}/sub`);
  const missing = await openTransfer(
    { transfer: true, transferDir: "$NOPE", transferMaxBytes: 10 },
    {},
    f.dir,
  );
  assert.equal(missing?.settings, undefined);
  assert.match(missing?.hello.unavailable ?? "", /\$NOPE/);
  const notDir = await openTransfer(
    { transfer: true, transferDir: "sub/a.txt", transferMaxBytes: 10 },
    {},
    f.dir,
  );
  assert.match(notDir?.hello.unavailable ?? "", /is not a folder/);
  assert.equal(await openTransfer({ transfer: false, transferMaxBytes: 10 }, {}, f.dir), undefined);
});
