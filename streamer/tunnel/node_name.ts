/**
 * The name SLURM knows this compute node by, which is what the gateway checks against the job's node list.
 * It is not always the host name: a site may declare `NodeName=gpu01 NodeHostname=r3-gpu01`, and then only
 * `SLURMD_NODENAME` (which slurmd sets in every job) names the node as `scontrol` does.
 *
 * @module
 */
import { hostname } from "node:os";

/**
 * `SLURMD_NODENAME` when set, else the short host name (outside SLURM, e.g. a local test run).
 *
 * @example
 * ```ts
 * import { slurmNodeName } from "./node_name.ts";
 * slurmNodeName({ SLURMD_NODENAME: "gpu01" }); // "gpu01"
 * slurmNodeName({}); // the short host name
 * ```
 */
export function slurmNodeName(env: Record<string, string | undefined> = Deno.env.toObject()): string {
  const name = env.SLURMD_NODENAME?.trim();
  return name ? name : hostname().split(".")[0];
}
