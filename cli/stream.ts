/**
 * `selkies-hpc stream`: runs the streamer here (inside an allocation, or locally). Session
 * settings come from flags > SELKIES_* env > the user's config.yaml > the site's defaults, so a
 * plain `sbatch selkies.sh` (which passes only --session-dir, --ready-file and --bind) gets the
 * same settings as a submitted job. There is no URL-prefix option: the pages use relative URLs,
 * so any proxy prefix (Open OnDemand's /rnode/<host>/<port>/) works as it is.
 *
 * @module
 */
import { merge, object } from "@optique/core/constructs";
import { message } from "@optique/core/message";
import { optional, withDefault } from "@optique/core/modifiers";
import { command, constant, option } from "@optique/core/primitives";
import type { InferValue } from "@optique/core/parser";
import { integer, string } from "@optique/core/valueparser";
import { readAllocation } from "../jobs/allocation.ts";
import { runStream } from "../streamer/stream.ts";
import { idleReleasePolicy } from "../jobs/site_idle_release.ts";
import { sessionOptions, specFromArgs } from "./_spec_options.ts";

/** Where-to-serve options (`--bind`, `--port`, ...) shared by `stream` and `demo`. */
export function serveOptions() {
  return object("Serving", {
    bind: optional(option("--bind", string({ metavar: "ADDR" }), {
      description: message`address to listen on: a host, 0.0.0.0, or unix:/path (default 127.0.0.1)`,
    })),
    port: withDefault(
      option("--port", integer({ min: 0, max: 65535, metavar: "PORT" }), {
        description: message`TCP port, 0 picks a free one`,
      }),
      0,
    ),
    readyFile: optional(option("--ready-file", string({ metavar: "FILE" }), {
      description: message`write {url, host, port} here (0600) once the session can be viewed`,
    })),
    sessionDir: optional(option("--session-dir", string({ metavar: "DIR" }), {
      description: message`folder holding the session secret (token, 0600)`,
    })),
  });
}

/** The `stream` command's parser. */
export const streamCommand = command(
  "stream",
  merge(object({ cmd: constant("stream" as const) }), serveOptions(), sessionOptions()),
  { brief: message`run the streamer on this machine (what a session job runs)` },
);

/** Parsed `stream` arguments. */
export type StreamArgs = InferValue<typeof streamCommand>;

/**
 * Runs `stream` until it ends. Returns the streamer's exit code.
 *
 * @example
 * ```ts
 * import { runStreamCommand, type StreamArgs } from "./stream.ts";
 * declare const args: StreamArgs; // parsed by cli/program.ts
 * await runStreamCommand(args);
 * ```
 */
export async function runStreamCommand(args: StreamArgs, signal?: AbortSignal): Promise<number> {
  const { spec, site } = await specFromArgs(args, { limits: false });
  // The job's facts (id, CPUs, GPUs, node name, MUNGE socket, walltime warning...) are read here, once; the
  // streamer takes them as values.
  const allocation = readAllocation();
  // runStream handles SIGUSR1 (the walltime warning) itself and tells the viewers.
  return await runStream({
    ...spec.session,
    bind: args.bind,
    port: args.port,
    readyFile: args.readyFile ?? allocation.readyFile,
    sessionDir: args.sessionDir ?? allocation.sessionDir,
    allocation,
    // STUN/TURN from the site config (read here on the node, never written into the job script).
    iceServers: site.iceServers,
    // Idle release is the site's policy (never a user's flag): read here on the node as well.
    idleRelease: idleReleasePolicy(site.idleRelease),
    signal,
  });
}
