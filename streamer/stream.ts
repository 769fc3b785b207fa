/**
 * `selkies-hpc stream`: turns an allocation (or this machine) into a desktop served to the browser.
 *
 * @module
 */
import type { SessionSettings } from "../jobs/session.ts";

/** Where and how the streamer serves, beyond the session settings. */
export interface StreamRunOptions {
  /** Address to bind: a host (127.0.0.1 default, 0.0.0.0 for Open OnDemand) or `unix:/path/to.sock`. */
  bind?: string;
  /** TCP port; 0 picks a free one. @default {0} */
  port?: number;
  /** Path prefix the pages are served under (relative URLs make any prefix work). @default {"/"} */
  basePath?: string;
  /** Write `{url, host, port, token}` here (mode 0600) once the first frame can be served. */
  readyFile?: string;
  /** Folder holding the session secret (`token`, 0600); a new secret is made when absent. */
  sessionDir?: string;
  /** Stops the session when aborted. */
  signal?: AbortSignal;
}

/**
 * Runs a streaming session until it is stopped (SIGTERM, SIGINT, the signal, or the job's end).
 * Returns the process exit code.
 *
 * @example
 * ```ts ignore
 * import { runStream } from "./stream.ts";
 * import { SessionSettingsSchema } from "../jobs/session.ts";
 * const code = await runStream({ ...SessionSettingsSchema.parse({ geometry: "1280x720" }), port: 8080 });
 * ```
 */
export function runStream(settings: SessionSettings & StreamRunOptions): Promise<number> {
  // Placeholder until the session orchestration lands (issue 3); the CLI already calls it.
  console.error(`selkies-hpc stream: the streamer is not built yet (settings: ${settings.geometry})`);
  return Promise.resolve(2);
}
