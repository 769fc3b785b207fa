/**
 * `selkies-hpc gateway`: runs the login-node gateway (streamers dial out to it, browsers reach
 * their sessions through it) from a YAML config plus a few flags; `gateway hash-password` prints
 * a basic-auth password hash read from stdin.
 *
 * @module
 */
import { object, or } from "@optique/core/constructs";
import { message } from "@optique/core/message";
import { optional } from "@optique/core/modifiers";
import { command, constant, option } from "@optique/core/primitives";
import type { InferValue } from "@optique/core/parser";
import { choice, integer, string } from "@optique/core/valueparser";
import { SelkiesError } from "../errors.ts";
import {
  gatewayOptionsFrom,
  hashPassword,
  jobsPortal,
  loadGatewayConfig,
  parseGatewayConfig,
  runGateway,
} from "../web/gateway/mod.ts";
import { note, out } from "./_output.ts";

const hashPasswordCommand = command(
  "hash-password",
  object({ cmd: constant("gateway" as const), action: constant("hash-password" as const) }),
  { brief: message`read a password on stdin, print its hash for auth.basic.users` },
);

const serveParser = object({
  cmd: constant("gateway" as const),
  action: constant("serve" as const),
  config: optional(option("--config", string({ metavar: "FILE" }), {
    description: message`gateway config (YAML; see docs/gateway.md)`,
  })),
  listen: optional(option("--listen", string({ metavar: "HOST" }), {
    description: message`address to listen on (overrides listen.host)`,
  })),
  port: optional(option("--port", integer({ min: 0, max: 65535, metavar: "PORT" }), {
    description: message`TCP port, 0 picks a free one (overrides listen.port)`,
  })),
  publicUrl: optional(option("--public-url", string({ metavar: "URL" }), {
    description: message`URL browsers and streamers use to reach the gateway (overrides publicUrl)`,
  })),
  mode: optional(option("--mode", choice(["site", "personal"] as const), {
    description: message`site: every user's sessions; personal: only yours, with launch and cancel`,
  })),
});

/** The `gateway` command's parser. */
export const gatewayCommand = command("gateway", or(hashPasswordCommand, serveParser), {
  brief: message`run the login-node gateway that streamers dial out to`,
});

/** Parsed `gateway` arguments. */
export type GatewayArgs = InferValue<typeof gatewayCommand>;

/**
 * Runs `gateway` (until SIGTERM/SIGINT aborts `signal`) or `gateway hash-password`. Returns the exit code.
 *
 * @example
 * ```ts
 * import { runGatewayCommand } from "./gateway.ts";
 * await runGatewayCommand({ cmd: "gateway", action: "hash-password" });
 * ```
 */
export async function runGatewayCommand(args: GatewayArgs, signal?: AbortSignal): Promise<number> {
  if (args.action === "hash-password") {
    const password = (await new Response(Deno.stdin.readable).text()).replace(/\r?\n$/, "");
    if (!password) throw new SelkiesError('no password on stdin (e.g. `read -rs p; echo "$p" | ...`)', 1);
    out(await hashPassword(password));
    return 0;
  }
  const config = args.config ? await loadGatewayConfig(args.config) : parseGatewayConfig({});
  if (args.mode) config.mode = args.mode;
  if (args.listen) config.listen.host = args.listen;
  if (args.port !== undefined) config.listen.port = args.port;
  if (args.publicUrl) {
    config.publicUrl = parseGatewayConfig({ publicUrl: args.publicUrl }, "--public-url").publicUrl;
  }
  const options = await gatewayOptionsFrom(config);
  if (signal?.aborted) return 130;
  let url = "";
  const portal = config.mode === "personal"
    ? await jobsPortal({
      gatewayUrl: () => url,
      slurmEnv: options.slurmEnv,
      siteConfigPath: config.siteConfig,
    })
    : undefined;
  const gateway = await runGateway({ ...options, portal, signal });
  url = gateway.url;
  note(`gateway (${config.mode}) listening; public URL ${gateway.url}`);
  await gateway.finished;
  note("gateway stopped");
  return 0;
}
