/**
 * A real SLURM cluster for tests (one node, or more with `moreNodes`): munged + slurmctld + slurmd from
 * Debian's packages, with every file (config, MUNGE key, sockets, state, spool, logs, pid files) in one temp
 * folder and random ports, so several clusters can run side by side. Each node has two fake GPUs (`gpu:2`).
 *
 * @module
 */
import { type ClusterLayout, PARTITIONS, renderGresConf, renderSlurmConf } from "./_conf.ts";
import { isAlive, parentPid, pidsHolding, readPidFile, signalTree, waitGone } from "./_procs.ts";
import { freePorts } from "../fixtures/net.ts";
import { delay } from "../fixtures/async.ts";

/**
 * Options for {@linkcode startSlurmCluster}.
 *
 * @example
 * ```ts
 * import { startSlurmCluster } from "./slurm.ts";
 * await using cluster = await startSlurmCluster({ gpus: 4, extraConf: ["MaxJobCount=100"] });
 * ```
 */
export interface SlurmClusterOptions {
  /** Node name given to slurmd. @default {"node1"} */
  nodeName?: string;
  /**
   * Names of further compute nodes, each its own slurmd on this host (same address, own port), in every
   * partition: e.g. `["c2"]` with `nodeName: "c1"` for two nodes SLURM can spread jobs over. @default {[]}
   */
  moreNodes?: string[];
  /** CPUs declared on the node. @default {4} */
  cpus?: number;
  /** Fake GPUs on the node. @default {2} */
  gpus?: number;
  /** Extra slurm.conf lines. @default {[]} */
  extraConf?: string[];
  /** How long to wait for the node to become IDLE. @default {30000} */
  startTimeoutMs?: number;
  /** Keep the temp folder after stop (for debugging). @default {false} */
  keepDir?: boolean;
}

/**
 * A running test cluster; stop it (or `await using` it) to end every process it started.
 *
 * @example
 * ```ts
 * import { startSlurmCluster } from "./slurm.ts";
 * await using cluster = await startSlurmCluster();
 * console.log(cluster.env.SLURM_CONF, cluster.nodeName, cluster.startupMs);
 * ```
 */
export interface SlurmCluster extends AsyncDisposable {
  /** Environment for SLURM clients: `SLURM_CONF` and `PATH`. */
  env: Record<string, string>;
  /** Path of slurm.conf. */
  confPath: string;
  /** Socket of this cluster's munged. */
  mungeSocket: string;
  /** Default partition (`debug`, 8 h). A second partition `short` allows 5 minutes. */
  partition: string;
  /** The (first) node's name. */
  nodeName: string;
  /** Every node's name, `nodeName` first. */
  nodeNames: string[];
  /** World-writable folder for job output files (jobs may run as other users). */
  jobDir: string;
  /** The temp folder holding everything. */
  dir: string;
  /** Milliseconds from start until the node was IDLE. */
  startupMs: number;
  /** The daemons' logs, concatenated with headers. */
  logs(): string;
  /** Cancels all jobs, stops the daemons, kills leftovers and removes the temp folder. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Startup of the test cluster failed; the message carries the daemon logs.
 *
 * @example
 * ```ts
 * import { SlurmClusterError, startSlurmCluster } from "./slurm.ts";
 * try {
 *   await startSlurmCluster();
 * } catch (e) {
 *   if (e instanceof SlurmClusterError) console.error(e.message); // includes the daemon logs
 * }
 * ```
 */
export class SlurmClusterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SlurmClusterError";
  }
}

const DAEMON_LOGS = ["munge/munged.log", "var/munged.out", "var/slurmctld.out", "var/slurmctld.log"]
  .concat(["var/slurmd.out", "var/slurmd.log"]);

/**
 * Starts munged, slurmctld and slurmd in a fresh temp folder and waits until the node is IDLE.
 *
 * @example
 * ```ts
 * import { startSlurmCluster } from "./slurm.ts";
 * await using cluster = await startSlurmCluster();
 * const out = await new Deno.Command("sinfo", { env: cluster.env }).output();
 * ```
 */
export async function startSlurmCluster(options: SlurmClusterOptions = {}): Promise<SlurmCluster> {
  const started = performance.now();
  const dir = await Deno.makeTempDir({ prefix: "selkies-slurm-" });
  // Readable by all so jobs of other users (e.g. nobody) reach the config and the MUNGE socket.
  await Deno.chmod(dir, 0o755);
  const children: Deno.ChildProcess[] = [];
  let stopped: Promise<void> | undefined;
  const logs = () =>
    DAEMON_LOGS.map((f) => {
      let text = "";
      try {
        text = Deno.readTextFileSync(`${dir}/${f}`);
      } catch {
        return "";
      }
      return `--- ${f} ---\n${text.split("\n").slice(-40).join("\n")}\n`;
    }).join("");
  const stop = () => stopped ??= stopAll(dir, children, options.keepDir ?? false);
  try {
    const moreNames = options.moreNodes ?? [];
    const [ctldPort, slurmdPort, ...morePorts] = freePorts(2 + moreNames.length);
    const layout: ClusterLayout = {
      clusterName: `t${ctldPort}`,
      hostname: Deno.hostname(),
      nodeName: options.nodeName ?? "node1",
      ctldPort,
      slurmdPort,
      mungeSocket: `${dir}/munge/munge.socket`,
      varDir: `${dir}/var`,
      devDir: `${dir}/dev`,
      cpus: options.cpus ?? 4,
      gpus: options.gpus ?? 2,
      extraConf: options.extraConf ?? [],
      moreNodes: moreNames.map((nodeName, i) => ({ nodeName, slurmdPort: morePorts[i] })),
    };
    const nodeNames = [layout.nodeName, ...moreNames];
    const spools = nodeNames.length > 1 ? nodeNames.map((n) => `var/spool.${n}`) : ["var/spool"];
    for (const sub of ["etc", "munge", "var", "var/state", ...spools, "dev", "jobs"]) {
      await Deno.mkdir(`${dir}/${sub}`, { mode: 0o755 });
    }
    await Deno.chmod(`${dir}/jobs`, 0o1777);
    for (let i = 0; i < layout.gpus; i++) await Deno.symlink("/dev/null", `${layout.devDir}/gpu${i}`);
    const confPath = `${dir}/etc/slurm.conf`;
    await Deno.writeTextFile(confPath, renderSlurmConf(layout));
    await Deno.writeTextFile(`${dir}/etc/gres.conf`, renderGresConf(layout));
    await Deno.writeTextFile(`${layout.varDir}/plugstack.conf`, "");
    const env = { SLURM_CONF: confPath, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" };

    const keyFile = `${dir}/etc/munge.key`;
    await run("mungekey", ["--create", "--bits=1024", `--keyfile=${keyFile}`]);
    const m = `${dir}/munge`;
    children.push(daemon(`${dir}/var/munged.out`, "munged", [
      "--foreground",
      `--socket=${layout.mungeSocket}`,
      `--key-file=${keyFile}`,
      `--pid-file=${m}/munged.pid`,
      `--seed-file=${m}/munged.seed`,
      `--log-file=${m}/munged.log`,
    ]));
    await until(() => exists(layout.mungeSocket), 5000, children, "munged did not create its socket");
    // -c/-i: start from clean state and ignore stale state files; -D: stay a child we can reap.
    children.push(daemon(`${dir}/var/slurmctld.out`, "slurmctld", ["-D", "-c", "-i", "-f", confPath]));
    for (const name of nodeNames) {
      const out = nodeNames.length > 1 ? `${dir}/var/slurmd.${name}.out` : `${dir}/var/slurmd.out`;
      children.push(daemon(out, "slurmd", ["-D", "-c", "-N", name, "-f", confPath]));
    }
    for (const name of nodeNames) {
      await until(
        async () => /\bState=IDLE\b/.test(await scontrolNode(name, env)),
        options.startTimeoutMs ?? 30_000,
        children,
        `node ${name} did not become IDLE`,
      );
    }
    return {
      env,
      confPath,
      mungeSocket: layout.mungeSocket,
      partition: "debug",
      nodeName: layout.nodeName,
      nodeNames,
      jobDir: `${dir}/jobs`,
      dir,
      startupMs: Math.round(performance.now() - started),
      logs,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (e) {
    const text = logs();
    await stop();
    throw new SlurmClusterError(`SLURM test cluster failed to start: ${(e as Error).message}\n${text}`);
  }
}

/** Partition names of every test cluster with their MaxTime. */
export { PARTITIONS };

function daemon(outFile: string, cmd: string, args: string[]): Deno.ChildProcess {
  // A shell redirects early output (before the daemon opens its log) to a file, then execs;
  // detached puts each daemon in its own process group so stop() can signal the group.
  return new Deno.Command("/bin/sh", {
    args: ["-c", 'exec "$@" >>"$OUT" 2>&1', "sh", cmd, ...args],
    env: { OUT: outFile },
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
}

async function run(cmd: string, args: string[], env?: Record<string, string>): Promise<string> {
  const out = await new Deno.Command(cmd, { args, env, stdin: "null", signal: AbortSignal.timeout(10_000) })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed: ${text}`);
  return text;
}

async function scontrolNode(node: string, env: Record<string, string>): Promise<string> {
  try {
    return await run("scontrol", ["show", "node", "-o", node], env);
  } catch {
    return "";
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  children: Deno.ChildProcess[],
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // A client call to a dead controller blocks for seconds: a daemon's exit ends the wait at once.
  const exited = Promise.race(children.map((c) => c.status.then(() => c.pid)));
  for (;;) {
    const ok = await Promise.race([Promise.resolve(check()), exited.then((pid) => ({ pid }))]);
    if (typeof ok === "object") throw new Error(`${what}: a daemon (pid ${ok.pid}) exited`);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await delay(100);
  }
}

async function stopAll(dir: string, children: Deno.ChildProcess[], keepDir: boolean): Promise<void> {
  const daemonPids = new Set(children.map((c) => c.pid));
  for (const f of ["var/slurmctld.pid", "var/slurmd.pid", "munge/munged.pid"]) {
    const pid = readPidFile(`${dir}/${f}`);
    if (pid) daemonPids.add(pid);
  }
  const env = { SLURM_CONF: `${dir}/etc/slurm.conf`, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" };
  const [ctld] = children.slice(1, 2);
  if (ctld && isAlive(ctld.pid)) {
    // Let SLURM end the jobs its own way first (SIGTERM, then SIGKILL after KillWait).
    for (const p of Object.keys(PARTITIONS)) await run("scancel", [`--partition=${p}`], env).catch(() => {});
    // Daemons and their helpers (slurmscriptd) stay; job steps (slurmstepd and below) must end.
    const isJob = (p: number) => !daemonPids.has(p) && !daemonPids.has(parentPid(p) ?? 0);
    const deadline = Date.now() + 8000;
    while (Date.now() < deadline && pidsHolding(dir).some(isJob)) {
      await delay(100);
    }
  }
  // slurmd first (no new steps), then the controller, then munged.
  for (const pid of [...daemonPids].reverse()) signalTree(pid, "SIGTERM");
  let left = await waitGone([...daemonPids], 5000);
  for (const pid of left) signalTree(pid, "SIGKILL");
  // Whatever still holds a file of this cluster (slurmstepd, job processes) is ours.
  for (let round = 0; round < 3; round++) {
    left = pidsHolding(dir);
    if (left.length === 0) break;
    for (const pid of left) signalTree(pid, "SIGKILL");
    await waitGone(left, 2000);
  }
  await Promise.all(children.map((c) => c.status.catch(() => {})));
  if (!keepDir) await Deno.remove(dir, { recursive: true }).catch(() => {});
}
