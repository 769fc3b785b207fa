import assert from "node:assert/strict";
import { hostname } from "node:os";
import { makeRuntimeDir, RUNTIME_DIR_PREFIX, sweepRuntimeDirs } from "./runtime_dir.ts";

const MODULE = new URL("./runtime_dir.ts", import.meta.url).href;

/** A folder made by another streamer process that then died without removing it (a SIGKILL). */
async function folderOfDeadStreamer(tmp: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { makeRuntimeDir } from "${MODULE}"; console.log(await makeRuntimeDir(${
        JSON.stringify(tmp)
      }));`,
    ],
    stderr: "inherit",
  }).output();
  assert.ok(out.success);
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("a new session folder is 0700, names its streamer, and sweeps only folders whose streamer died", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "selkies-sweep-test-" });
  try {
    const dead = await folderOfDeadStreamer(tmp);
    await Deno.writeTextFile(`${dead}/Xauthority`, "secret", { mode: 0o600 });
    // The pid of this process, but another start time: the pid was reused by a process that is not its streamer.
    const reused = `${tmp}/${RUNTIME_DIR_PREFIX}reused`;
    await Deno.mkdir(reused);
    await Deno.writeTextFile(`${reused}/streamer`, `${hostname()} ${Deno.pid} 1\n`);
    // Kept: a folder of a streamer on another host (TMPDIR on shared storage), though no such pid runs here.
    const remote = `${tmp}/${RUNTIME_DIR_PREFIX}remote`;
    await Deno.mkdir(remote);
    await Deno.writeTextFile(`${remote}/streamer`, `another-node.example 999999999 1\n`);
    // Kept: a folder naming no streamer (being made, or from an older version), a link, another name.
    const unnamed = `${tmp}/${RUNTIME_DIR_PREFIX}unnamed`;
    await Deno.mkdir(unnamed);
    const elsewhere = await folderOfDeadStreamer(await Deno.makeTempDir({ dir: tmp, prefix: "other-" }));
    await Deno.symlink(elsewhere, `${tmp}/${RUNTIME_DIR_PREFIX}link`);
    await Deno.rename(await folderOfDeadStreamer(tmp), `${tmp}/not-a-session`);

    const mine = await makeRuntimeDir(tmp);
    assert.equal((await Deno.stat(mine)).mode! & 0o777, 0o700);
    assert.equal((await Deno.stat(`${mine}/streamer`)).mode! & 0o777, 0o600);
    const left = [...Deno.readDirSync(tmp)].map((e) => `${tmp}/${e.name}`).sort();
    assert.deepEqual(
      left,
      [
        elsewhere.slice(0, elsewhere.lastIndexOf("/")),
        `${tmp}/not-a-session`,
        `${tmp}/${RUNTIME_DIR_PREFIX}link`,
        unnamed,
        remote,
        mine,
      ].sort(),
    );
    assert.ok(Deno.statSync(`${elsewhere}/streamer`).isFile, "the link's target is untouched");

    // A second sweep keeps the live streamer's folder (this process's).
    assert.deepEqual(await sweepRuntimeDirs(tmp), []);
    assert.ok(Deno.statSync(mine).isDirectory);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
