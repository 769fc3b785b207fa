/**
 * What the gateway tells the viewers of a session whose streamer vanished: its tunnel closed while viewers
 * still watched, without the streamer's own `end` message (a streamer that stops says why itself, then closes
 * its viewers' streams). The gateway waits a little for the streamer to come back (a network blip: it
 * re-registers within seconds), asking SLURM meanwhile; a job that has ended names why (time limit, cancel,
 * node failure...), one that still runs without its streamer is a node failure (jobs/scheduler/job_end.ts).
 *
 * @module
 */
import {
  endOfJob,
  endOfVanishedStreamer,
  jobHasEnded,
  type JobInfo,
  showJob,
} from "../../jobs/scheduler/mod.ts";
import type { SessionEndMessage } from "../../protocol/job.ts";
import { TunnelCloseCode } from "../../protocol/tunnel.ts";
import { getLog } from "../../log.ts";
import type { SessionRegistry } from "./registry.ts";
import type { GatewayTunnel } from "./tunnel_conn.ts";

const log = getLog("gateway", "tunnel");

/** Options of {@linkcode endForLostStreamer}. */
export interface LostStreamerOptions {
  /** The session whose tunnel closed. */
  sessionId: string;
  /** Its SLURM job. */
  jobId: string;
  /** The tunnel that closed (a different live one registered for the session means it came back). */
  tunnel: GatewayTunnel;
  /** The tunnel's close code. */
  code: number;
  /** Where re-registrations show up. */
  registry: SessionRegistry;
  /** Environment for SLURM clients (`SLURM_CONF`, `PATH`). */
  slurmEnv?: Record<string, string>;
  /** How long the streamer may take to come back before a running job counts as failed, ms. @default {10000} */
  graceMs?: number;
  /** How often SLURM and the registry are looked at meanwhile, ms. @default {1000} */
  pollMs?: number;
  /** Asks SLURM about the job. @default {showJob with slurmEnv} */
  lookup?: (jobId: string) => Promise<JobInfo | undefined>;
}

/**
 * The `end` message for the viewers of a vanished streamer, or undefined when they should simply reconnect
 * (the gateway itself is restarting, the streamer came back, or SLURM could not be asked at all).
 *
 * @example
 * ```ts
 * import { endForLostStreamer } from "./lost_streamer.ts";
 * import type { SessionRegistry } from "./registry.ts";
 * import type { GatewayTunnel } from "./tunnel_conn.ts";
 * declare const registry: SessionRegistry, tunnel: GatewayTunnel;
 * const end = await endForLostStreamer({ sessionId: "abcdefgh", jobId: "42", tunnel, code: 1006, registry });
 * end?.reason; // e.g. "node-failure"
 * ```
 */
export async function endForLostStreamer(
  options: LostStreamerOptions,
): Promise<SessionEndMessage | undefined> {
  const { sessionId, jobId, tunnel, registry } = options;
  // Streamers reconnect to the next gateway by themselves; its viewers reconnect too.
  if (options.code === TunnelCloseCode.restarting) return undefined;
  const lookup = options.lookup ?? ((id: string) => showJob(id, { env: options.slurmEnv }));
  const deadline = Date.now() + (options.graceMs ?? 10_000);
  let job: JobInfo | undefined;
  let asked = false;
  for (;;) {
    const now = registry.get(sessionId);
    if (now && now.tunnel !== tunnel && now.tunnel.open) return undefined; // it came back
    try {
      job = await lookup(jobId);
      asked = true;
      if (!job) return endOfVanishedStreamer(undefined, jobId);
      if (jobHasEnded(job)) return endOfJob(job) ?? endOfVanishedStreamer(job);
    } catch (error) {
      log.debug("SLURM did not say about job {jobId}: {error}", { jobId, error: String(error) });
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
  // Never heard from SLURM: nothing to tell; the page reconnects until it gives up.
  return asked ? endOfVanishedStreamer(job, jobId) : undefined;
}
