/**
 * `selkies-hpc stream`: turns an allocation (or this machine) into a desktop served to the browser.
 *
 * @module
 */
import { bareSessionUrl } from "../jobs/session_link.ts";
import { type Allocation, localAllocation } from "../jobs/allocation.ts";
import type { SessionSettings } from "../jobs/session.ts";
import { getLog } from "../log.ts";
import { installShutdownHandlers } from "./process/mod.ts";
import { startSession } from "./session/session.ts";
import type { IceServer } from "../protocol/ice.ts";
import { writePrivateFile } from "../secrets.ts";
import type { IdleReleasePolicy } from "../jobs/site_idle_release.ts";

const log = getLog("stream");

/** Where and how the streamer serves, beyond the session settings. */
export interface StreamRunOptions {
  /** Address to bind: a host (127.0.0.1 default, 0.0.0.0 for Open OnDemand) or `unix:/path/to.sock`. */
  bind?: string;
  /** TCP port; 0 picks a free one. @default {0} */
  port?: number;
  /** Write `{url, host, port, token}` here (mode 0600) once the first frame can be served. */
  readyFile?: string;
  /** Folder holding the session secret (`token`, 0600); a new secret is made when absent. */
  sessionDir?: string;
  /** STUN/TURN servers for WebRTC viewers (a gateway's, when there is one, take precedence). */
  iceServers?: IceServer[];
  /** The job the streamer runs in (`readAllocation()` in the CLI). @default {localAllocation()} */
  allocation?: Allocation;
  /** Stops the session when aborted. */
  signal?: AbortSignal;
  /** Idle release, from the site config (jobs/site_idle_release.ts); off when absent. */
  idleRelease?: IdleReleasePolicy;
}

/**
 * Runs a streaming session until it is stopped (SIGTERM, SIGINT, the signal, or the job's end).
 * Returns the process exit code: 0 after a requested stop, 2 when the session failed.
 *
 * @example
 * ```ts
 * import { runStream } from "./stream.ts";
 * import { SessionSettingsSchema } from "../jobs/session.ts";
 * const code = await runStream({ ...SessionSettingsSchema.parse({ geometry: "1280x720" }), port: 8080 });
 * ```
 */
export async function runStream(settings: SessionSettings & StreamRunOptions): Promise<number> {
  const allocation = settings.allocation ?? localAllocation();
  const stopped = Promise.withResolvers<string>();
  // A stop asked for while the session starts ends the start at once, and what it had started with it.
  const starting = new AbortController();
  const requestStop = (reason: string) => {
    stopped.resolve(reason);
    starting.abort(new DOMException(`stopping: ${reason}`, "AbortError"));
  };
  const removeHandlers = installShutdownHandlers((signal) => requestStop(`received ${signal}`));
  const onAbort = () => requestStop("aborted");
  if (settings.signal?.aborted) onAbort();
  settings.signal?.addEventListener("abort", onAbort, { once: true });
  let session: Awaited<ReturnType<typeof startSession>> | undefined;
  const walltime = () => {
    // SLURM's --signal=B:USR1@<seconds>, forwarded by the job script.
    const left = allocation.walltimeWarningSeconds;
    const message = `This session's time limit is near${
      left ? ` (about ${Math.round(left / 60)} min left)` : ""
    }: save your work.`;
    log.warning(message);
    session?.notify(message);
    void session?.clock.refresh(); // the limit may have moved (scontrol update): viewers count from the new one
  };
  try {
    Deno.addSignalListener("SIGUSR1", walltime);
  } catch {
    // Not every platform has SIGUSR1; the warning is a courtesy.
  }
  try {
    session = await startSession(settings, {
      bind: settings.bind,
      port: settings.port,
      sessionDir: settings.sessionDir,
      iceServers: settings.iceServers,
      idleRelease: settings.idleRelease,
      allocation,
      signal: starting.signal,
    });
  } catch (error) {
    cleanup();
    if (starting.signal.aborted) {
      log.info("stopped before the session was ready: {reason}", { reason: await stopped.promise });
      return 0;
    }
    log.error("the session did not start: {error}", {
      error: error instanceof Error ? error.message : error,
    });
    return 2;
  }
  if (settings.readyFile) {
    const { url, host, port, token } = session;
    await writePrivateFile(settings.readyFile, JSON.stringify({ url, host, port, token }, null, 2) + "\n");
  }
  // The URL carries the secret: a terminal gets it whole; a job log (which sites may collect) only
  // gets the address and where the owner's 0600 copy of the link is.
  if (settings.readyFile && !Deno.stdout.isTerminal()) {
    const bare = bareSessionUrl(session.url);
    console.log(`selkies-hpc: ready at ${bare} — the link with its secret is in ${settings.readyFile}`);
  } else {
    console.log(`selkies-hpc: ready — open ${session.url}`);
  }
  const reason = await Promise.race([
    stopped.promise,
    session.died.then((died) => ({ died })),
    session.idle.then((idle) => ({ idle })), // idle release: a clean end, exit 0
  ]);
  const idle = typeof reason === "string" || !("idle" in reason) ? undefined : reason.idle;
  log.info("stopping: {reason}", {
    reason: typeof reason === "string" ? reason : "died" in reason ? reason.died : "idle release",
  });
  // The link dies with the session: its secret goes first, whatever becomes of the rest of the stop.
  if (settings.readyFile) await Deno.remove(settings.readyFile).catch(() => {});
  // Viewers hear why (walltime, cancelled, failed: SLURM is asked) and show it instead of reconnecting.
  const end = idle ??
    await session.clock.endMessage(
      typeof reason === "string" ? { signal: reason } : reason as { died: string },
    );
  log.info("session ends: {reason}: {message}", { ...end });
  session.end(end);
  try {
    await session.stop();
  } finally {
    cleanup();
  }
  return typeof reason === "string" || idle ? 0 : 2;

  function cleanup() {
    removeHandlers();
    settings.signal?.removeEventListener("abort", onAbort);
    try {
      Deno.removeSignalListener("SIGUSR1", walltime);
    } catch {
      // See above.
    }
  }
}
