/**
 * `selkies-hpc demo`: the README's one command. With a usable SLURM (sbatch on PATH and
 * `scontrol ping` answering) it submits a 1280x720 session and prints its URL; otherwise it runs
 * the streamer right here and prints the local URL.
 *
 * @module
 */
import { merge, object } from "@optique/core/constructs";
import { message } from "@optique/core/message";
import { withDefault } from "@optique/core/modifiers";
import { command, constant, flag } from "@optique/core/primitives";
import type { InferValue } from "@optique/core/parser";
import { SelkiesError } from "../errors.ts";
import { runStream } from "../streamer/stream.ts";
import { note, out } from "./_output.ts";
import { waitForReady } from "./_ready.ts";
import { serveOptions } from "./stream.ts";
import { specFromArgs } from "./_spec_options.ts";
import { submitAndFollow } from "./submit.ts";

/** The `demo` command's parser. */
export const demoCommand = command(
  "demo",
  merge(
    object({
      cmd: constant("demo" as const),
      local: withDefault(
        flag("--local", { description: message`run here even when SLURM is usable` }),
        false,
      ),
    }),
    serveOptions(),
  ),
  { brief: message`start a 1280x720 desktop and print its URL (SLURM if usable, else locally)` },
);

/** Parsed `demo` arguments. */
export type DemoArgs = InferValue<typeof demoCommand>;

/**
 * Whether SLURM can take a job from here: `sbatch` runs and `scontrol ping` reports a controller UP.
 *
 * @example
 * ```ts
 * import { slurmUsable } from "./demo.ts";
 * if (await slurmUsable()) console.log("submitting");
 * ```
 */
export async function slurmUsable(): Promise<boolean> {
  try {
    const ping = await new Deno.Command("scontrol", {
      args: ["ping"],
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(10_000),
    }).output();
    const sbatch = await new Deno.Command("sbatch", { args: ["--version"], stdout: "null", stderr: "null" })
      .output();
    return ping.success && sbatch.success && /\bUP\b/.test(new TextDecoder().decode(ping.stdout));
  } catch {
    return false;
  }
}

/**
 * Runs `demo`. Returns the exit code.
 *
 * @example
 * ```ts
 * import { runDemo } from "./demo.ts";
 * await runDemo({ cmd: "demo", local: true, port: 0 } as never);
 * ```
 */
export async function runDemo(args: DemoArgs, signal?: AbortSignal): Promise<number> {
  const { spec } = await specFromArgs({ geometry: "1280x720" }, { limits: !args.local });
  if (!args.local && await slurmUsable()) {
    note("SLURM is usable: submitting a 1280x720 session");
    const result = await submitAndFollow(spec, { signal });
    out(result.url ?? result.jobId);
    note(`stop it with: selkies-hpc cancel ${result.jobId}`);
    return 0;
  }
  note("no usable SLURM here (or --local): running the desktop on this machine; Ctrl-C stops it");
  const dir = await Deno.makeTempDir({ prefix: "selkies-demo-" });
  const readyFile = `${dir}/ready.json`;
  const stopped = new AbortController();
  const stream = runStream({
    ...spec.session,
    bind: args.bind ?? "127.0.0.1",
    port: args.port,
    readyFile,
    sessionDir: args.sessionDir ?? dir,
    signal,
  }).finally(() => stopped.abort());
  try {
    const ready = await Promise.race([
      waitForReady(readyFile, {
        timeoutMs: 60_000,
        signal: AbortSignal.any([stopped.signal, ...(signal ? [signal] : [])]),
      }),
      stream.then((code) => {
        throw new SelkiesError(`the streamer exited with code ${code} before it was ready`, 2);
      }),
    ]);
    out(ready.url);
    return await stream;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
