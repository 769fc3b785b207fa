/**
 * The gateway's YAML config file: one zod schema, validated at start, turned into
 * {@linkcode RunGatewayOptions}. Secrets come from files (0600), never from argv.
 *
 * @module
 */
import { z } from "zod";
import { parse as parseYaml } from "yaml";
import { SelkiesError } from "../../errors.ts";
import { IceServerSchema } from "../../protocol/ice.ts";
import { type AuthOptions, validateAuth } from "./middleware/auth/index.ts";
import type { RunGatewayOptions } from "./run.ts";

/** Schema of the gateway config file (e.g. `/etc/selkies-hpc/gateway.yaml`). */
export const GatewayConfigSchema = z.object({
  /** `site` (service account, every user) or `personal` (runs as one user). */
  mode: z.enum(["site", "personal"]).default("site"),
  /** Where to listen (put TLS/SSO in a fronting proxy, or set `tls`). */
  listen: z.object({
    host: z.string().min(1).default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8080),
  }).strict().default({ host: "127.0.0.1", port: 8080 }),
  /** Public base URL browsers and streamers use, e.g. `https://desktops.example.org/`. */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Serve TLS directly: paths of PEM files. */
  tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict().optional(),
  /** How browsers authenticate: `token` (capability links), `{header: ...}` or `{basic: ...}`. */
  auth: z.union([
    z.literal("token"),
    z.object({ token: z.object({}).strict().nullable() }).strict(),
    z.object({
      header: z.object({
        name: z.string().regex(/^[A-Za-z0-9-]+$/).default("X-Remote-User"),
        trustedProxies: z.array(z.string().min(1)).min(1, "list the addresses of your fronting proxy"),
      }).strict(),
    }).strict(),
    z.object({
      basic: z.object({
        users: z.record(z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/), z.string()),
        realm: z.string().optional(),
      }).strict(),
    }).strict(),
  ]).default("token"),
  /** Extra origins allowed to open WebSockets. */
  allowedOrigins: z.array(z.url()).default([]),
  /**
   * Addresses of the fronting proxies (nginx, Apache) whose `X-Forwarded-For` names the real client, in every
   * auth mode; failed logins are then counted per real client instead of per proxy.
   */
  trustedProxies: z.array(z.string().min(1)).default([]),
  /** TURN (coturn `use-auth-secret`): the gateway mints credentials per session. */
  turn: z.object({
    urls: z.array(z.string().regex(/^turns?:/, "TURN URLs start with turn: or turns:")).min(1),
    /** The shared secret; prefer `secretFile`. */
    secret: z.string().min(16, "use a TURN secret of at least 16 characters").optional(),
    /** File holding the shared secret (mode 0600). */
    secretFile: z.string().min(1).optional(),
    /** Credential lifetime in seconds. */
    ttl: z.number().int().min(60).max(7 * 86400).default(86400),
  }).strict().refine(
    (t) => !!t.secret !== !!t.secretFile,
    "give exactly one of turn.secret or turn.secretFile",
  )
    .optional(),
  /** ICE servers handed out as they are (e.g. `stun:` URLs). */
  iceServers: z.array(IceServerSchema.strict()).default([]),
  /** SLURM client environment, e.g. `{SLURM_CONF: /etc/slurm/slurm.conf}`. */
  slurm: z.object({ env: z.record(z.string(), z.string()).default({}) }).strict().default({ env: {} }),
  /** munged socket. */
  munge: z.object({ socket: z.string().min(1).optional() }).strict().default({}),
  /** Site config for the personal portal's launch form. @default {"$SELKIES_SITE_CONFIG" or /etc/selkies-hpc/site.yaml} */
  siteConfig: z.string().min(1).optional(),
}).strict();

/** A validated gateway config. */
export type GatewayConfig = z.output<typeof GatewayConfigSchema>;

/**
 * Raised for a config file that cannot be used; the message says what to fix. Exit code 1.
 *
 * @example
 * ```ts
 * import { GatewayConfigError } from "./config.ts";
 * throw new GatewayConfigError("turn.secretFile /etc/turn.secret is readable by others: chmod 600 it");
 * ```
 */
export class GatewayConfigError extends SelkiesError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 1, options);
  }
}

/**
 * Reads and validates a gateway config file. Throws {@linkcode GatewayConfigError}.
 *
 * @example
 * ```ts
 * import { loadGatewayConfig } from "./config.ts";
 * const config = await loadGatewayConfig("/etc/selkies-hpc/gateway.yaml");
 * ```
 */
export async function loadGatewayConfig(path: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new GatewayConfigError(`cannot read gateway config ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new GatewayConfigError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
  return parseGatewayConfig(raw, path);
}

/**
 * Validates an already parsed config object. Throws {@linkcode GatewayConfigError}.
 *
 * @example
 * ```ts
 * import { parseGatewayConfig } from "./config.ts";
 * parseGatewayConfig({ mode: "personal" }).listen.port; // 8080
 * ```
 */
export function parseGatewayConfig(raw: unknown, source = "gateway config"): GatewayConfig {
  const result = GatewayConfigSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
    throw new GatewayConfigError(`${source} is invalid:\n  ${issues.join("\n  ")}`);
  }
  return result.data;
}

/**
 * Turns a validated config into gateway options: reads the TLS files and the TURN secret file
 * (refusing one readable by others) and checks the auth settings.
 *
 * @example
 * ```ts
 * import { gatewayOptionsFrom, parseGatewayConfig } from "./config.ts";
 * const options = await gatewayOptionsFrom(parseGatewayConfig({ auth: "token" }));
 * ```
 */
export async function gatewayOptionsFrom(config: GatewayConfig): Promise<RunGatewayOptions> {
  const auth = authFrom(config.auth);
  try {
    validateAuth(auth);
  } catch (error) {
    throw new GatewayConfigError(`auth: ${(error as Error).message}`);
  }
  const secret = config.turn?.secretFile ? await readSecretFile(config.turn.secretFile) : config.turn?.secret;
  const tls = config.tls
    ? { cert: await readFile(config.tls.cert, "tls.cert"), key: await readFile(config.tls.key, "tls.key") }
    : undefined;
  return {
    mode: config.mode,
    hostname: config.listen.host,
    port: config.listen.port,
    publicUrl: config.publicUrl,
    tls,
    auth,
    allowedOrigins: config.allowedOrigins.map((o) => new URL(o).origin),
    trustedProxies: config.trustedProxies,
    turn: config.turn && secret
      ? { urls: config.turn.urls, secret, ttlSeconds: config.turn.ttl, extra: config.iceServers }
      : undefined,
    slurmEnv: Object.keys(config.slurm.env).length ? config.slurm.env : undefined,
    mungeSocket: config.munge.socket,
  };
}

function authFrom(auth: GatewayConfig["auth"]): AuthOptions {
  if (auth === "token" || "token" in auth) return { mode: "token" };
  if ("header" in auth) {
    return { mode: "header", header: auth.header.name, trustedProxies: auth.header.trustedProxies };
  }
  return { mode: "basic", users: auth.basic.users, realm: auth.basic.realm };
}

async function readSecretFile(path: string): Promise<string> {
  const info = await Deno.stat(path).catch((e) => {
    throw new GatewayConfigError(`cannot read turn.secretFile ${path}: ${e.message}`);
  });
  if (info.mode !== null && (info.mode & 0o077) !== 0) {
    throw new GatewayConfigError(`turn.secretFile ${path} is readable by others: chmod 600 ${path}`);
  }
  const secret = (await readFile(path, "turn.secretFile")).trim();
  if (secret.length < 16) {
    throw new GatewayConfigError(`turn.secretFile ${path} holds less than 16 characters`);
  }
  return secret;
}

async function readFile(path: string, what: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw new GatewayConfigError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}
