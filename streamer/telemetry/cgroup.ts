/**
 * The job's cgroup v2, where the node has one: SLURM's `proctrack/cgroup` + `task/cgroup` put every job in
 * `.../job_<id>/` (its steps below), whose `cpu.stat`, `memory.current` and `memory.max` describe the whole job,
 * including processes the session did not start (an `srun --jobid` shell). The session finds its own cgroup in
 * /proc/self/cgroup, the cgroup2 mount in /proc/self/mountinfo, and climbs to the job's folder. A node on cgroup
 * v1 (or a v2 hierarchy without the memory controller, as on a hybrid mount) has no usable cgroup: the
 * telemetry then counts the session's processes instead (procs.ts).
 *
 * @module
 */
import { readOr } from "./_files.ts";

/** A usable cgroup v2 folder of the job. */
export interface JobCgroup {
  /** The job's folder, e.g. `/sys/fs/cgroup/system.slice/slurmstepd.scope/job_42`. */
  dir: string;
  /** The hierarchy's mount point: parents' `memory.max` are read up to it. */
  mountPoint: string;
}

/** What one reading of the job's cgroup says. */
export interface CgroupReading {
  /** CPU time of everything in the cgroup since it was made, microseconds (`cpu.stat` usage_usec). */
  usageUsec: number;
  /**
   * Memory in use, bytes: `memory.current` less the inactive page cache (`memory.stat` inactive_file), the
   * "working set" the kernel cannot simply drop; page cache alone fills a cgroup up to its limit.
   */
  workingSetBytes: number;
  /** The smallest `memory.max` of the cgroup and its parents; undefined when none is set. */
  limitBytes?: number;
  /** Processes the kernel killed for memory in this cgroup (`memory.events` oom_kill). */
  oomKills: number;
}

/**
 * The cgroup v2 path of a process from its /proc/<pid>/cgroup text (the `0::` line), or undefined.
 *
 * @example
 * ```ts
 * import { cgroupPath } from "./cgroup.ts";
 * cgroupPath("0::/system.slice/slurmstepd.scope/job_42/step_batch/user/task_0\n"); // "/system.slice/slurmstepd.scope/job_42/step_batch/user/task_0"
 * cgroupPath("4:memory:/x\n0::/\n"); // "/"
 * ```
 */
export function cgroupPath(procCgroup: string): string | undefined {
  const line = procCgroup.split("\n").find((l) => l.startsWith("0::"));
  return line?.slice(3).trim() || undefined;
}

/**
 * Where the cgroup2 hierarchy is mounted, from /proc/<pid>/mountinfo text: the mount point and the hierarchy's
 * folder shown there (not "/" inside a cgroup namespace or a bind mount). Undefined without a cgroup2 mount.
 *
 * @example
 * ```ts
 * import { cgroup2Mount } from "./cgroup.ts";
 * cgroup2Mount("35 24 0:30 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate\n");
 * // { mountPoint: "/sys/fs/cgroup", root: "/" }
 * ```
 */
export function cgroup2Mount(mountinfo: string): { mountPoint: string; root: string } | undefined {
  for (const line of mountinfo.split("\n")) {
    const [before, after] = line.split(" - ");
    if (!after?.startsWith("cgroup2 ")) continue;
    const fields = before.split(" ");
    // Spaces and other odd characters in paths are octal escapes (\040) in mountinfo.
    const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
    return { root: unescape(fields[3]), mountPoint: unescape(fields[4]) };
  }
  return undefined;
}

/** Options of {@linkcode findJobCgroup}; the defaults read this process's own files. */
export interface FindJobCgroupOptions {
  /** The SLURM job id: the folder `job_<id>` above this process's cgroup is the job's. */
  jobId?: string;
  /** Text of /proc/self/cgroup. @default {its content} */
  procCgroup?: string;
  /** Text of /proc/self/mountinfo. @default {its content} */
  mountinfo?: string;
}

/**
 * The folder of the job's cgroup v2, when it is usable (it has `cpu.stat` and `memory.current`): the
 * `job_<jobId>` folder above this process's cgroup, or this process's own cgroup outside SLURM or when SLURM
 * names it differently. Undefined on cgroup v1, a hybrid mount without the memory controller, or the root.
 *
 * @example
 * ```ts
 * import { findJobCgroup } from "./cgroup.ts";
 * const cgroup = findJobCgroup({ jobId: Deno.env.get("SLURM_JOB_ID") });
 * console.log(cgroup?.dir ?? "no usable cgroup v2: counting the session's processes");
 * ```
 */
export function findJobCgroup(options: FindJobCgroupOptions = {}): JobCgroup | undefined {
  const path = cgroupPath(options.procCgroup ?? readOr("/proc/self/cgroup"));
  const mount = cgroup2Mount(options.mountinfo ?? readOr("/proc/self/mountinfo"));
  if (!path || !mount) return undefined;
  const root = mount.root.replace(/\/$/, "");
  if (root && !path.startsWith(`${root}/`) && path !== root) return undefined; // outside what is mounted
  const relative = path.slice(root.length).split("/").filter(Boolean);
  const jobAt = options.jobId ? relative.lastIndexOf(`job_${options.jobId}`) : -1;
  const chosen = jobAt >= 0 ? relative.slice(0, jobAt + 1) : relative;
  const mountPoint = mount.mountPoint.replace(/\/$/, "");
  const dir = [mountPoint, ...chosen].join("/");
  const usable = chosen.length > 0 && ["cpu.stat", "memory.current"].every((f) => exists(`${dir}/${f}`));
  return usable ? { dir, mountPoint } : undefined;
}

/**
 * Reads the job's cgroup now (throws when it has gone).
 *
 * @example
 * ```ts
 * import { findJobCgroup, readCgroup } from "./cgroup.ts";
 * const cgroup = findJobCgroup();
 * if (cgroup) console.log(readCgroup(cgroup).workingSetBytes);
 * ```
 */
export function readCgroup({ dir, mountPoint: top }: JobCgroup): CgroupReading {
  const usageUsec = keyed(Deno.readTextFileSync(`${dir}/cpu.stat`)).get("usage_usec") ?? 0;
  const current = Number(Deno.readTextFileSync(`${dir}/memory.current`).trim());
  const inactiveFile = keyed(readOr(`${dir}/memory.stat`)).get("inactive_file") ?? 0;
  const oomKills = keyed(readOr(`${dir}/memory.events`)).get("oom_kill") ?? 0;
  let limitBytes: number | undefined;
  for (let at = dir; at.startsWith(top) && at.length > top.length; at = at.slice(0, at.lastIndexOf("/"))) {
    const max = Number(readOr(`${at}/memory.max`).trim()); // "max" (no limit) reads as NaN
    if (Number.isFinite(max) && max > 0) limitBytes = Math.min(limitBytes ?? max, max);
  }
  return { usageUsec, workingSetBytes: Math.max(0, current - inactiveFile), limitBytes, oomKills };
}

/** `key value` lines (cpu.stat, memory.stat, memory.events) as a map. */
function keyed(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && Number.isFinite(Number(value))) out.set(key, Number(value));
  }
  return out;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
