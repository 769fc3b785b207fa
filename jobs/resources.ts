/**
 * The resources half of a job spec: what SLURM allocates (partition, time, CPUs, memory, GPUs, ...),
 * validated as strictly as SLURM itself so nothing odd reaches an `#SBATCH` line.
 *
 * @module
 */
import { z } from "zod";
import { formatSlurmTime, parseSlurmTime } from "./_time.ts";

export { formatSlurmTime, parseSlurmTime };

/** Names SLURM allows for partitions, accounts, QOS and reservations. */
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const name = (what: string) =>
  z.string().regex(NAME, `${what} may only contain letters, digits, "_", "." and "-"`);
/** Printable, no whitespace, no quotes or shell/SLURM metacharacters: safe on an `#SBATCH` line. */
const SAFE = /^[A-Za-z0-9_.,:=@%+\/\[\]-]+$/;
const safe = (what: string) =>
  z.string().min(1).max(4096).regex(
    SAFE,
    `${what} may not contain spaces, quotes, control characters or shell metacharacters`,
  );

/** Memory sizes as SLURM takes them: a number with an optional K/M/G/T suffix (plain = MB). */
const MEM = /^(\d+)([KMGT]?)B?$/i;

/**
 * Converts a SLURM memory size to MiB (plain numbers are MB, as in `sbatch --mem`).
 *
 * @example
 * ```ts
 * import { memToMb } from "./resources.ts";
 * memToMb("4G"); // 4096
 * memToMb("500"); // 500
 * ```
 */
export function memToMb(mem: string): number {
  const m = MEM.exec(mem.trim());
  if (!m) throw new TypeError(`memory must look like 4G, 500M or 2048, got ${JSON.stringify(mem)}`);
  const unit = { "": 1, K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 }[m[2].toUpperCase()]!;
  return Number(m[1]) * unit;
}

/**
 * Total GPU count of a `--gpus` value (`2` or `a100:2`); 0 when absent.
 *
 * @example
 * ```ts
 * import { gpuCount } from "./resources.ts";
 * gpuCount("a100:2"); // 2
 * ```
 */
export function gpuCount(gpus: string | undefined): number {
  if (!gpus) return 0;
  return Number(gpus.split(":").at(-1));
}

const MAIL_TYPES = [
  "NONE",
  "BEGIN",
  "END",
  "FAIL",
  "REQUEUE",
  "ALL",
  "INVALID_DEPEND",
  "STAGE_OUT",
  "TIME_LIMIT",
  "TIME_LIMIT_90",
  "TIME_LIMIT_80",
  "TIME_LIMIT_50",
  "ARRAY_TASKS",
];

/**
 * Extra sbatch options a user may pass, each with the check its value must pass (`true` = a bare
 * flag). Anything else is rejected: options like `--wrap`, `--export` or `--chdir` would change
 * what the job runs.
 */
export const EXTRA_SBATCH_OPTIONS: Readonly<Record<string, z.ZodType<string | true>>> = {
  "mail-type": z.string().refine(
    (v) => v.split(",").every((t) => MAIL_TYPES.includes(t.toUpperCase())),
    `mail-type must be a comma list of ${MAIL_TYPES.join(", ")}`,
  ),
  "mail-user": z.string().regex(/^[A-Za-z0-9_.+-]+(@[A-Za-z0-9.-]+)?$/, "mail-user must be a user or e-mail"),
  "exclusive": z.union([z.literal(true), z.enum(["user", "mcs", "topo"])]),
  "licenses": safe("licenses"),
  "nodelist": safe("nodelist"),
  "exclude": safe("exclude"),
  "begin": safe("begin"),
  "hint": z.enum(["compute_bound", "memory_bound", "multithread", "nomultithread"]),
};

/** Schema of the SLURM resources of a session, with defaults. */
export const ResourcesSchema = z.object({
  partition: name("partition").optional().describe("SLURM partition to run in"),
  account: name("account").optional().describe("account to charge"),
  qos: name("qos").optional().describe("quality of service"),
  time: z.string().trim().refine((t) => parseSlurmTime(t) !== undefined, {
    message: "time must be a SLURM time: MIN, MIN:SEC, H:MM:SS, D-H, D-H:MM, D-H:MM:SS or UNLIMITED",
  }).refine((t) => parseSlurmTime(t) !== 0, "time must be more than 0 (use UNLIMITED for no limit)")
    .default("01:00:00").describe("walltime limit, e.g. 02:00:00 or 1-00:00"),
  nodes: z.coerce.number().int().min(1).max(1024).default(1).describe("number of nodes"),
  cpusPerTask: z.coerce.number().int().min(1).max(4096).default(4).describe("CPU cores for the session"),
  mem: z.string().regex(MEM, "mem must look like 4G, 500M or 2048 (MB)").optional()
    .describe("memory per node, e.g. 16G"),
  gpus: z.string().regex(/^([A-Za-z0-9_.-]+:)?\d{1,3}$/, "gpus must be a count (1) or type:count (a100:1)")
    .optional().describe("GPUs: a count or type:count"),
  gres: z.string().regex(/^[A-Za-z0-9_.:-]+(,[A-Za-z0-9_.:-]+)*$/, "gres must look like gpu:1 or gpu:a100:2")
    .optional().describe("generic resources, e.g. gpu:a100:1"),
  constraint: z.string().regex(/^[A-Za-z0-9_.&|,:*!\[\]()-]{1,1024}$/, "constraint has invalid characters")
    .optional().describe("node features required, e.g. a100&ib"),
  reservation: name("reservation").optional().describe("reservation to run in"),
  jobName: name("jobName").default("selkies").describe("job name"),
  output: safe("output").optional().describe("stdout path (SLURM patterns like %j allowed)"),
  error: safe("error").optional().describe("stderr path (SLURM patterns like %j allowed)"),
  sbatchOptions: z.record(z.string(), z.union([z.string(), z.literal(true)])).default({})
    .superRefine((opts, ctx) => {
      for (const [key, value] of Object.entries(opts)) {
        // Own keys only: `constructor` or `toString` would find Object.prototype's and crash the check.
        const check = Object.hasOwn(EXTRA_SBATCH_OPTIONS, key) ? EXTRA_SBATCH_OPTIONS[key] : undefined;
        if (!check) {
          ctx.addIssue({
            code: "custom",
            message: `sbatch option --${key} is not allowed (allowed: ${
              Object.keys(EXTRA_SBATCH_OPTIONS).map((k) => "--" + k).join(", ")
            })`,
          });
          continue;
        }
        const r = check.safeParse(value);
        if (!r.success) {
          ctx.addIssue({ code: "custom", message: `--${key}: ${r.error.issues[0].message}` });
        }
      }
    }).describe("extra sbatch options from the allow-list, as OPT or OPT=VALUE"),
}).strict();

/** SLURM resources after defaults are applied. */
export type Resources = z.output<typeof ResourcesSchema>;

/**
 * The walltime of resources in seconds (`Infinity` when unlimited).
 *
 * @example
 * ```ts
 * import { ResourcesSchema, timeSeconds } from "./resources.ts";
 * timeSeconds(ResourcesSchema.parse({ time: "2:00:00" })); // 7200
 * ```
 */
export function timeSeconds(resources: Pick<Resources, "time">): number {
  return parseSlurmTime(resources.time)!;
}

/**
 * Parses `OPT` / `OPT=VALUE` strings (leading dashes optional) into an sbatch-options record.
 *
 * @example
 * ```ts
 * import { parseSbatchOptions } from "./resources.ts";
 * parseSbatchOptions(["--mail-type=END", "exclusive"]); // { "mail-type": "END", exclusive: true }
 * ```
 */
export function parseSbatchOptions(items: readonly string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (const item of items) {
    const stripped = item.replace(/^--?/, "");
    const eq = stripped.indexOf("=");
    if (eq < 0) out[stripped] = true;
    else out[stripped.slice(0, eq)] = stripped.slice(eq + 1);
  }
  return out;
}
