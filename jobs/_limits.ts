/**
 * The site config file's schema and the site limits check.
 *
 * @module
 */
import { z } from "zod";
import { IceServerSchema } from "../protocol/ice.ts";
import { LimitError } from "./errors.ts";
import { SiteChoicesSchema } from "./site_choices.ts";
import { IdleReleaseSettingsSchema } from "./site_idle_release.ts";
import { formatSlurmTime, gpuCount, memToMb, parseSlurmTime } from "./resources.ts";
import type { JobSpec } from "./spec.ts";

const slurmTime = z.string().refine((t) => parseSlurmTime(t) !== undefined, "must be a SLURM time");

/** Schema of `/etc/selkies-hpc/site.yaml`. */
export const SiteConfigSchema = z.object({
  /** Site defaults for any spec field (flat keys, e.g. `partition: viz`); checked by the loader. */
  defaults: z.record(z.string(), z.unknown()).optional(),
  /** Limits every submission must respect. */
  limits: z.object({
    allowedPartitions: z.array(z.string()).optional(),
    maxTime: z.union([slurmTime, z.number().int().positive().transform(String)]).optional(),
    maxGpus: z.number().int().min(0).optional(),
    maxCpus: z.number().int().min(1).optional(),
    maxMem: z.union([z.string().regex(/^\d+[KMGT]?$/i), z.number().transform(String)]).optional(),
    maxNodes: z.number().int().min(1).optional(),
  }).strict().default({}),
  /** Gateway URL sessions dial out to (the session's `gateway` default). */
  gateway: z.url({ protocol: /^(https?|wss?)$/ }).optional(),
  /** ICE servers (STUN/TURN) the browser and streamer use for WebRTC. */
  iceServers: z.array(IceServerSchema.strict()).optional(),
  /** What launch forms (the Open OnDemand app's) offer: screen sizes, applications, GPU types. */
  choices: SiteChoicesSchema.optional(),
  /** End sessions nobody uses after a while (off by default). */
  idleRelease: IdleReleaseSettingsSchema.optional(),
}).strict();

/** A validated site config. */
export type SiteConfig = z.output<typeof SiteConfigSchema>;

/**
 * Throws a {@linkcode LimitError} (one line naming field, value and limit) when the spec breaks a
 * site limit.
 *
 * @example
 * ```ts
 * import { checkLimits, SiteConfigSchema } from "./_limits.ts";
 * import { parseJobSpec } from "./spec.ts";
 * const site = SiteConfigSchema.parse({ limits: { maxGpus: 2 } });
 * checkLimits(parseJobSpec({ resources: { gpus: "1" } }), site); // ok
 * ```
 */
export function checkLimits(spec: JobSpec, site: SiteConfig): void {
  const r = spec.resources;
  const l = site.limits;
  if (l.allowedPartitions && r.partition && !l.allowedPartitions.includes(r.partition)) {
    throw new LimitError(
      "partition",
      r.partition,
      `(allowed: ${l.allowedPartitions.join(", ")})`,
      "is not allowed by the site",
    );
  }
  if (l.maxTime !== undefined) {
    const max = parseSlurmTime(l.maxTime)!;
    if (parseSlurmTime(r.time)! > max) {
      throw new LimitError("time", r.time, `maxTime ${formatSlurmTime(max)}`);
    }
  }
  const gpus = Math.max(gpuCount(r.gpus), gresGpus(r.gres));
  if (l.maxGpus !== undefined && gpus > l.maxGpus) {
    throw new LimitError(r.gpus ? "gpus" : "gres", (r.gpus ?? r.gres)!, `maxGpus ${l.maxGpus}`);
  }
  if (l.maxCpus !== undefined && r.cpusPerTask > l.maxCpus) {
    throw new LimitError("cpusPerTask", String(r.cpusPerTask), `maxCpus ${l.maxCpus}`);
  }
  if (l.maxMem !== undefined && r.mem && memToMb(r.mem) > memToMb(l.maxMem)) {
    throw new LimitError("mem", r.mem, `maxMem ${l.maxMem}`);
  }
  if (l.maxNodes !== undefined && r.nodes > l.maxNodes) {
    throw new LimitError("nodes", String(r.nodes), `maxNodes ${l.maxNodes}`);
  }
}

/** GPUs requested through `--gres` (`gpu:2`, `gpu:a100:2`), summed over the list. */
function gresGpus(gres: string | undefined): number {
  if (!gres) return 0;
  return gres.split(",").filter((g) => g.startsWith("gpu")).reduce((n, g) => {
    const last = Number(g.split(":").at(-1));
    return n + (Number.isInteger(last) && g.includes(":") ? last : 1);
  }, 0);
}
