/**
 * Shared test fixtures. A real SLURM cluster: {@linkcode startSlurmCluster}.
 *
 * @example
 * ```ts
 * import { startSlurmCluster } from "./mod.ts";
 * await using cluster = await startSlurmCluster();
 * ```
 *
 * @module
 */
export { isAlive } from "./_procs.ts";
export {
  PARTITIONS,
  type SlurmCluster,
  SlurmClusterError,
  type SlurmClusterOptions,
  startSlurmCluster,
} from "./slurm.ts";
