/**
 * A session's runtime folder (`$TMPDIR/selkies-session-*`: the X authority file, PulseAudio's socket), and
 * the sweep of folders whose streamer is gone. The streamer removes its folder when it stops, and its orphan
 * reaper when the streamer alone is killed; a SIGKILL of the whole session at once (SLURM's kill after
 * KillWait, `kill -9 -- -pgid`) ends the reaper too. Each folder therefore names its streamer (host, pid and
 * start time, so a reused pid does not keep it), and the next session the user starts on that host removes
 * folders whose streamer has died. A folder of another host is never touched: sites put TMPDIR on shared
 * storage, where it belongs to a session running elsewhere.
 *
 * @module
 */
import { hostname } from "node:os";
import { getLogger } from "@logtape/logtape";
import { parseProcStat } from "../telemetry/proc_stat.ts";

const log = getLogger(["selkies", "session"]);

/** The name every session's runtime folder starts with. */
export const RUNTIME_DIR_PREFIX = "selkies-session-";
/** The file in the folder naming its streamer: `<host> <pid> <start time in clock ticks since boot>`. */
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
    await Deno.writeTextFile(`${dir}/${OWNER_FILE}`, `${hostname()} ${Deno.pid} ${startTime(Deno.pid)}\n`, {
      mode: 0o600,
    });
  } catch (error) {
    // A full disk: the session does not start, and leaves no folder.
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
  return dir;
}

/**
 * Removes this user's session folders in `tmp` (default `$TMPDIR` or /tmp) whose streamer ran on this host and
 * is no longer running, and returns their paths. A folder that names no streamer (one being made, or one from
 * before the folders named theirs) is kept, and so is one of another host, or anything that is not a plain
 * folder of this user's.
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
      const [host, pid, started] = (await Deno.readTextFile(`${dir}/${OWNER_FILE}`)).trim().split(" ");
      if (host !== hostname() || !/^\d+$/.test(pid) || !started) continue;
      if (startTime(Number(pid)) === started) continue;
      await Deno.remove(dir, { recursive: true });
      removed.push(dir);
    } catch {
      // No owner file yet, or removed meanwhile (its reaper, or another session's sweep): not ours to do.
    }
  }
  return removed;
}

/** When `pid` started (clock ticks since boot), or "" when no such process runs (or only its zombie). */
function startTime(pid: number): string {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z"
      ? ""
      : String(parseProcStat(stat).startTicks);
  } catch {
    return "";
  }
}
