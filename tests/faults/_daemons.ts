/**
 * kill -9 one daemon of a test cluster (munged or slurmctld) and start it again the way the harness
 * did, keeping its state (slurmctld without `-c`, so running jobs survive the restart). The harness's
 * `stop()` still ends the new daemon: it reads the daemon's pid file.
 *
 * @module
 */
import type { SlurmCluster } from "../harness/slurm.ts";
import { waitFor } from "../fixtures/async.ts";

/** A daemon killed by {@linkcode killDaemon}. */
export interface KilledDaemon {
  name: "munged" | "slurmctld";
  pid: number;
}

const PID_FILES = { munged: "munge/munged.pid", slurmctld: "var/slurmctld.pid" };

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/**
 * Sends SIGKILL to the cluster's `name` daemon (pid from its pid file) and waits until it is gone.
 *
 * @example
 * ```ts
 * import type { SlurmCluster } from "../harness/slurm.ts";
 * import { killDaemon, restartDaemon } from "./_daemons.ts";
 * declare const cluster: SlurmCluster;
 * const munged = await killDaemon(cluster, "munged");
 * await restartDaemon(cluster, munged);
 * ```
 */
export async function killDaemon(cluster: SlurmCluster, name: KilledDaemon["name"]): Promise<KilledDaemon> {
  const pid = Number(Deno.readTextFileSync(`${cluster.dir}/${PID_FILES[name]}`).trim());
  if (!(pid > 1) || !alive(pid)) throw new Error(`${name} is not running`);
  Deno.kill(pid, "SIGKILL");
  await waitFor(`${name} (${pid}) to die`, () => !alive(pid), 10_000);
  return { name, pid };
}

/**
 * Makes slurmctld save its job state now (a harmless change to `jobId`'s comment marks it dirty) and waits
 * until the file is written: a controller killed before its next save forgets what it scheduled since the
 * last one (a RUNNING job comes back PENDING and is started again).
 *
 * @example
 * ```ts
 * import type { SlurmCluster } from "../harness/slurm.ts";
 * import { saveJobState } from "./_daemons.ts";
 * declare const cluster: SlurmCluster;
 * await saveJobState(cluster, "1");
 * ```
 */
export async function saveJobState(cluster: SlurmCluster, jobId: string): Promise<void> {
  const since = Date.now();
  const args = ["update", `JobId=${jobId}`, `Comment=selkies-hpc-${since}`];
  const out = await new Deno.Command("scontrol", { args, env: cluster.env }).output();
  if (!out.success) throw new Error(`scontrol ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  await waitFor("slurmctld to save its job state", async () => {
    const saved = await Deno.stat(`${cluster.dir}/var/state/job_state`).catch(() => undefined);
    return (saved?.mtime?.getTime() ?? 0) > since;
  }, { timeoutMs: 60_000, intervalMs: 250 });
}

function argsOf(cluster: SlurmCluster, name: KilledDaemon["name"]): string[] {
  const m = `${cluster.dir}/munge`;
  return name === "munged"
    ? ["--foreground", `--socket=${cluster.mungeSocket}`, `--key-file=${cluster.dir}/etc/munge.key`]
      .concat([`--pid-file=${m}/munged.pid`, `--seed-file=${m}/munged.seed`, `--log-file=${m}/munged.log`])
    : ["-D", "-i", "-f", cluster.confPath];
}

/**
 * Starts a daemon killed by {@linkcode killDaemon} again (its own process group, output appended to the
 * harness's `var/<name>.out`) and waits until it answers: munged's socket accepts `munge -n`, slurmctld
 * answers `scontrol ping`.
 *
 * @example
 * ```ts
 * import type { SlurmCluster } from "../harness/slurm.ts";
 * import { killDaemon, restartDaemon } from "./_daemons.ts";
 * declare const cluster: SlurmCluster;
 * await restartDaemon(cluster, await killDaemon(cluster, "slurmctld"));
 * ```
 */
export async function restartDaemon(cluster: SlurmCluster, daemon: KilledDaemon): Promise<number> {
  const started = Date.now();
  new Deno.Command("/bin/sh", {
    args: ["-c", 'exec "$@" >>"$OUT" 2>&1', "sh", daemon.name, ...argsOf(cluster, daemon.name)],
    env: { ...cluster.env, OUT: `${cluster.dir}/var/${daemon.name}.out` },
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn().status.catch(() => {});
  const [cmd, args] = daemon.name === "munged"
    ? ["munge", ["-n", "--socket", cluster.mungeSocket]]
    : ["scontrol", ["ping"]];
  await waitFor(`${daemon.name} to answer again`, async () => {
    const out = await new Deno.Command(cmd as string, {
      args: args as string[],
      env: cluster.env,
      stdout: "piped",
    })
      .output();
    return out.success && (daemon.name === "munged" || /UP/.test(new TextDecoder().decode(out.stdout)));
  }, { timeoutMs: 60_000, intervalMs: 200 });
  return Date.now() - started;
}
