/**
 * The session's last line of defence against SIGKILL: a small shell process in the session's
 * {@linkcode ProcessGroup} that waits for the streamer to die and, when it dies without stopping the
 * group itself (kill -9, an OOM kill), ends every process carrying the group's marker (Xvfb, the desktop,
 * PulseAudio) and removes the session's runtime folders. Without it, a killed streamer's X server and
 * desktop kept running, and its runtime folder (with the X authority file) stayed, until the job ended.
 *
 * @module
 */
import type { ProcessGroup } from "./group.ts";

// $1: the streamer's pid, $2: the group's marker, then the folders. The reaper's parent is the streamer
// until the streamer dies (it is then re-parented), which also holds for a zombie streamer or a reused pid.
// Stopped by the group (SIGTERM), it ends its own pause too, leaving no sleep behind.
const SCRIPT = `streamer=$1 marker=$2; shift 2
parent() { read -r _ _ _ ppid _ < /proc/$$/stat; echo "$ppid"; }
trap 'kill "$nap" 2>/dev/null; exit 0' TERM INT HUP
while [ "$(parent)" = "$streamer" ]; do sleep 1 & nap=$!; wait "$nap"; done
for p in /proc/[0-9]*; do
  pid=\${p#/proc/}
  [ "$pid" = "$$" ] && continue
  tr '\\0' '\\n' < "$p/environ" 2>/dev/null | grep -qxF "$marker" && kill -KILL "$pid" 2>/dev/null
done
rm -rf -- "$@"`;

/**
 * Starts the reaper for this process's session: when this process dies without stopping `group`, the
 * group's processes are killed and `folders` removed within about a second. `group.stop()` ends the
 * reaper with the rest.
 *
 * @example
 * ```ts
 * import { ProcessGroup } from "./group.ts";
 * import { startOrphanReaper } from "./orphan_reaper.ts";
 * const group = new ProcessGroup();
 * const runtimeDir = await Deno.makeTempDir();
 * startOrphanReaper(group, [runtimeDir]);
 * await group.stop();
 * await Deno.remove(runtimeDir);
 * ```
 */
export function startOrphanReaper(group: ProcessGroup, folders: string[]): void {
  group.spawn("orphan reaper", "sh", {
    args: ["-c", SCRIPT, "selkies-reaper", String(Deno.pid), group.marker, ...folders],
    expectExit: true,
    stderr: "null", // sh reports its pause's end ("Terminated") when the group stops it
  });
}
