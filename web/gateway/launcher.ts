/**
 * The personal portal's actions on the real scheduler: list the user's selkies jobs, cancel one,
 * and launch a session from a form built from the site config, pointed back at this gateway. A launch
 * submits through jobs/submit_session.ts, the same sequence as `selkies-hpc submit`.
 *
 * @module
 */
import { resolveSpec } from "../../jobs/config.ts";
import { cancelJob, listSessions } from "../../jobs/scheduler/mod.ts";
import { submitSession } from "../../jobs/submit_session.ts";
import type { LaunchField, PortalOptions } from "./portal.ts";

/** Options for {@linkcode jobsPortal}. */
export interface JobsPortalOptions {
  /** This gateway's public URL (read at each launch): launched jobs dial back to it. */
  gatewayUrl: () => string;
  /** Environment for SLURM clients (`SLURM_CONF`). @default {inherited} */
  slurmEnv?: Record<string, string>;
  /** Site config file. @default {"$SELKIES_SITE_CONFIG" or "/etc/selkies-hpc/site.yaml"} */
  siteConfigPath?: string;
  /** Folder for session folders. @default {jobs/record.ts sessionsRoot()} */
  sessionsRoot?: string;
  /** Environment read for `SELKIES_*` defaults and config paths. @default {Deno.env.toObject()} */
  env?: Record<string, string | undefined>;
}

/** The fields the launch form offers, in order; site defaults preset them. */
const FORM_FIELDS: { name: string; label: string }[] = [
  { name: "partition", label: "Partition" },
  { name: "time", label: "Time (HH:MM:SS)" },
  { name: "gpus", label: "GPUs" },
  { name: "geometry", label: "Screen size" },
];

/**
 * Builds the portal hooks (jobs list, cancel, launch) for a personal gateway; the form's choices
 * and presets come from the site config, and every launch passes the site limits.
 *
 * @example
 * ```ts
 * import { jobsPortal } from "./launcher.ts";
 * const portal = await jobsPortal({ gatewayUrl: () => "https://gw.example.org/" });
 * ```
 */
export async function jobsPortal(options: JobsPortalOptions): Promise<PortalOptions> {
  const env = options.env ?? Deno.env.toObject();
  const query = { env: options.slurmEnv };
  const { spec, site } = await resolveSpec({ env, siteConfigPath: options.siteConfigPath, limits: false });
  const presets: Record<string, unknown> = { ...spec.resources, ...spec.session };
  const fields: LaunchField[] = FORM_FIELDS.map((f) => ({
    ...f,
    choices: f.name === "partition" ? site.limits.allowedPartitions : undefined,
    value: presets[f.name] === undefined ? undefined : String(presets[f.name]),
  }));
  return {
    jobs: async () =>
      (await listSessions(query)).map((j) => ({ jobId: j.jobId, state: j.state, node: j.node })),
    cancel: (jobId) => cancelJob(jobId, query),
    launch: {
      fields,
      submit: async (values) => {
        const flags: Record<string, unknown> = { gateway: options.gatewayUrl() };
        for (const [key, value] of Object.entries(values)) if (value.trim()) flags[key] = value.trim();
        const { spec } = await resolveSpec({ flags, env, siteConfigPath: options.siteConfigPath });
        const { jobId } = await submitSession(spec, { root: options.sessionsRoot, env: options.slurmEnv });
        return jobId;
      },
    },
  };
}
