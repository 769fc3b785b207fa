/**
 * A session's runtime folder (`$TMPDIR/selkies-session-*`: the X authority file, PulseAudio's socket), and
 * the sweep of folders whose streamer is gone. The streamer removes its folder when it stops, and its orphan
 * reaper when the streamer alone is killed; a SIGKILL of the whole session at once (SLURM's kill after
 * KillWait, `kill -9 -- -pgid`) ends the reaper too. Each folder therefore names its streamer (pid and start
 * time, so a reused pid does not keep it), and the next session the user starts removes folders whose
 * streamer has died.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";

const log = getLogger(["selkies", "session"]);

/** The name every session's runtime folder starts with. */
export const RUNTIME_DIR_PREFIX = "selkies-session-";
/** The file in the folder naming its streamer: `<pid> <start time in clock ticks since boot>`. */
const OWNER_FILE = "streamer";

/** Where session folders are made: `$TMPDIR`, else /tmp (as `Deno.makeTempDir`). */
function tmpDir(): string {
  return Deno.env.get("TMPDIR") || "/tmp";
}

/**
 * Removes the stale session folders of this user in `tmp`, then makes a new one there (0700) owned by this
 * process.
 *
 * @example
 * ```ts
 * import { makeRuntimeDir } from "./runtime_dir.ts";
 * const dir = await makeRuntimeDir();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function makeRuntimeDir(tmp: string = tmpDir()): Promise<string> {
  const removed = await sweepRuntimeDirs(tmp).catch((error) => {
    log.warning("could not look for stale session folders: {error}", { error: String(error) });
    return [];
  });
  if (removed.length) {
    log.info("removed {count} stale session folders: {removed}", { count: removed.length, removed });
  }
  const dir = await Deno.makeTempDir({ dir: tmp, prefix: RUNTIME_DIR_PREFIX });
  try {
    await Deno.chmod(dir, 0o700);
    await Deno.writeTextFile(`${dir}/${OWNER_FILE}`, `${Deno.pid} ${startTime(Deno.pid)}\n`, { mode: 0o600 });
  } catch (error) {
    // A full disk: the session does not start, and leaves no folder.
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
  return dir;
}

/**
 * Removes this user's session folders in `tmp` (default `$TMPDIR` or /tmp) whose streamer is no longer
 * running, and returns their paths. A folder that names no streamer (one being made, or one from before the
 * folders named theirs) is kept, and so is anything that is not a plain folder of this user's.
 *
 * @example
 * ```ts
 * import { sweepRuntimeDirs } from "./runtime_dir.ts";
 * const removed = await sweepRuntimeDirs();
 * console.log(removed);
 * ```
 */
export async function sweepRuntimeDirs(tmp: string = tmpDir()): Promise<string[]> {
  const removed: string[] = [];
  for await (const entry of Deno.readDir(tmp)) {
    if (!entry.name.startsWith(RUNTIME_DIR_PREFIX) || !entry.isDirectory) continue;
    const dir = `${tmp}/${entry.name}`;
    try {
      const info = await Deno.lstat(dir);
      if (!info.isDirectory || info.uid !== Deno.uid()) continue;
      const [pid, started] = (await Deno.readTextFile(`${dir}/${OWNER_FILE}`)).trim().split(" ");
      if (!/^\d+$/.test(pid) || !started) continue;
      if (startTime(Number(pid)) === started) continue;
      await Deno.remove(dir, { recursive: true });
      removed.push(dir);
    } catch {
      // No owner file yet, or removed meanwhile (its reaper, or another session's sweep): not ours to do.
    }
  }
  return removed;
}

/** When `pid` started (clock ticks since boot, /proc's field 22), or "" when no such process runs. */
function startTime(pid: number): string {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // After the command's name (in parentheses, which may hold spaces): state is field 3, start time 22.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[0] === "Z" ? "" : fields[19] ?? "";
  } catch {
    return "";
  }
}
