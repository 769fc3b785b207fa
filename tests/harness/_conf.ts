/**
 * Renders the config files of a one-node test cluster (slurm.conf, gres.conf); pure, so the
 * harness and its unit test share it.
 *
 * @module
 */

/**
 * Where one cluster keeps its state, and how it is reachable.
 *
 * @example
 * ```ts
 * import type { ClusterLayout } from "./_conf.ts";
 * const gpus = (l: ClusterLayout) => l.gpus;
 * ```
 */
export interface ClusterLayout {
  /** Cluster name (unique per cluster so state never mixes). */
  clusterName: string;
  /** This host's name (slurmctld compares it with SlurmctldHost). */
  hostname: string;
  /** Node name given to slurmd with `-N`. */
  nodeName: string;
  /** Port slurmctld listens on. */
  ctldPort: number;
  /** Port slurmd listens on. */
  slurmdPort: number;
  /** MUNGE socket of this cluster's munged. */
  mungeSocket: string;
  /** Folder for state, spool, logs and pid files. */
  varDir: string;
  /** Folder holding the fake GPU device files. */
  devDir: string;
  /** CPUs declared on the node (more than exist is fine with config_overrides). */
  cpus: number;
  /** Fake GPUs declared on the node. */
  gpus: number;
  /** Extra slurm.conf lines appended verbatim. */
  extraConf: string[];
  /**
   * More nodes, each its own slurmd on this host (same address, own port), in every partition. With any,
   * slurmd's spool, pid and log paths carry the node name (`%n`) so the daemons do not share them.
   * @default {[]}
   */
  moreNodes?: { nodeName: string; slurmdPort: number }[];
}

/**
 * Partitions of every test cluster: `debug` (default, 8 h) and `short` (5 min, for limit errors).
 *
 * @example
 * ```ts
 * import { PARTITIONS } from "./_conf.ts";
 * PARTITIONS.short; // "5" (minutes)
 * ```
 */
export const PARTITIONS = { debug: "8:00:00", short: "5" } as const;

/**
 * Returns the slurm.conf text for a layout.
 *
 * @example
 * ```ts
 * import { renderSlurmConf } from "./_conf.ts";
 * renderSlurmConf({ clusterName: "t1", hostname: "box", nodeName: "n1", ctldPort: 7001, slurmdPort: 7002,
 *   mungeSocket: "/tmp/x/munge.sock", varDir: "/tmp/x/var", devDir: "/tmp/x/dev", cpus: 4, gpus: 2,
 *   extraConf: [] });
 * ```
 */
export function renderSlurmConf(l: ClusterLayout): string {
  const v = l.varDir;
  const nodes = [{ nodeName: l.nodeName, slurmdPort: l.slurmdPort }, ...(l.moreNodes ?? [])];
  const perNode = nodes.length > 1 ? ".%n" : "";
  const nodeList = nodes.map((n) => n.nodeName).join(",");
  return [
    `ClusterName=${l.clusterName}`,
    // No DNS on the test boxes: give the address in parentheses.
    `SlurmctldHost=${l.hostname}(127.0.0.1)`,
    `SlurmctldPort=${l.ctldPort}`,
    `SlurmdPort=${l.slurmdPort}`,
    "SlurmUser=root",
    "SlurmdUser=root",
    "AuthType=auth/munge",
    "CredType=cred/munge",
    `AuthInfo=socket=${l.mungeSocket}`,
    `StateSaveLocation=${v}/state`,
    `SlurmdSpoolDir=${v}/spool${perNode}`,
    `SlurmctldPidFile=${v}/slurmctld.pid`,
    `SlurmdPidFile=${v}/slurmd${perNode}.pid`,
    `SlurmctldLogFile=${v}/slurmctld.log`,
    `SlurmdLogFile=${v}/slurmd${perNode}.log`,
    "SlurmctldDebug=info",
    "SlurmdDebug=info",
    "ProctrackType=proctrack/linuxproc",
    "TaskPlugin=task/none",
    "SelectType=select/cons_tres",
    "SelectTypeParameters=CR_Core",
    // Lets the node declare more CPUs (and GPUs) than the box has.
    "SlurmdParameters=config_overrides",
    "AccountingStorageType=accounting_storage/none",
    "JobAcctGatherType=jobacct_gather/none",
    "JobCompType=jobcomp/filetxt",
    `JobCompLoc=${v}/jobcomp.txt`,
    `PlugStackConfig=${v}/plugstack.conf`,
    "MailProg=/bin/true",
    "ReturnToService=2",
    "GresTypes=gpu",
    // Fast, predictable ends: time limits enforced without grace, SIGKILL 5 s after SIGTERM,
    // finished jobs visible to squeue for a minute.
    "OverTimeLimit=0",
    "KillWait=5",
    "MinJobAge=60",
    "InactiveLimit=0",
    // Reject over-limit requests at submit time, as production sites do.
    "EnforcePartLimits=ALL",
    "SchedulerParameters=sched_interval=2",
    ...l.extraConf,
    ...nodes.map((n) =>
      `NodeName=${n.nodeName} NodeHostname=${l.hostname} NodeAddr=127.0.0.1 Port=${n.slurmdPort} ` +
      `CPUs=${l.cpus} RealMemory=1000 Gres=gpu:${l.gpus} State=UNKNOWN`
    ),
    `PartitionName=debug Nodes=${nodeList} Default=YES MaxTime=${PARTITIONS.debug} State=UP`,
    `PartitionName=short Nodes=${nodeList} MaxTime=${PARTITIONS.short} State=UP`,
    "",
  ].join("\n");
}

/**
 * Returns the gres.conf text: one `File=` per fake GPU (symlinks to /dev/null under `devDir`).
 *
 * @example
 * ```ts
 * import { renderGresConf } from "./_conf.ts";
 * renderGresConf({ devDir: "/tmp/x/dev", gpus: 2 }); // "Name=gpu File=/tmp/x/dev/gpu0\n..."
 * ```
 */
export function renderGresConf(l: Pick<ClusterLayout, "devDir" | "gpus">): string {
  return Array.from({ length: l.gpus }, (_, i) => `Name=gpu File=${l.devDir}/gpu${i}\n`).join("");
}
