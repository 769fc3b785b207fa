/**
 * Runs the gateway as a service: `Deno.serve` on an address, graceful shutdown on abort.
 *
 * @module
 */
import { getLog } from "../../log.ts";
import { createGateway, type Gateway, type GatewayOptions } from "./app.ts";
import { CLIENT_DIR, clientBundle } from "../client/bundle.ts";
import { trimMemoryEvery } from "./_malloc_trim.ts";

const log = getLog("gateway");

/** Options for {@linkcode runGateway}. */
export interface RunGatewayOptions extends Omit<GatewayOptions, "publicUrl"> {
  /** Address to listen on (put TLS and SSO in a fronting proxy). @default {"127.0.0.1"} */
  hostname?: string;
  /** Port; 0 picks a free one. @default {8080} */
  port?: number;
  /** Public base URL; @default {"http://<hostname>:<port>/"} */
  publicUrl?: string;
  /** Serve TLS directly (PEM text). */
  tls?: { cert: string; key: string };
  /** Stops the gateway (tunnels get the "restarting" close code). */
  signal?: AbortSignal;
}

/** A running gateway. */
export interface RunningGateway extends Gateway {
  /** The bound port. */
  port: number;
  /** The public base URL. */
  url: string;
  /** Stops serving; resolves when the listener is closed. */
  stop(): Promise<void>;
  /** Resolves when the server has finished. */
  finished: Promise<void>;
}

/**
 * Starts the gateway and returns once it listens.
 *
 * @example
 * ```ts
 * import { runGateway } from "./run.ts";
 * const gw = await runGateway({ mode: "personal", auth: { mode: "token" }, port: 0 });
 * console.log(gw.url);
 * await gw.stop();
 * ```
 */
export async function runGateway(options: RunGatewayOptions): Promise<RunningGateway> {
  const hostname = options.hostname ?? "127.0.0.1";
  // Built now rather than on the first viewer's page; a failure is tried again on that page.
  await clientBundle(options.clientDir ?? CLIENT_DIR).catch((error) =>
    log.warn("browser client bundle not built: {error}", { error: String(error) })
  );
  // deno-lint-ignore prefer-const -- assigned once the port is known, used only by later requests
  let gateway!: Gateway;
  const ac = new AbortController();
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname,
    port: options.port ?? 8080,
    signal: ac.signal,
    ...(options.tls ?? {}),
    onListen: (addr) => resolve(addr as Deno.NetAddr),
  }, (request, info) => gateway.app.fetch(request, info));
  const addr = await listening;
  const scheme = options.tls ? "https" : "http";
  const url = options.publicUrl ??
    `${scheme}://${hostname.includes(":") ? `[${hostname}]` : hostname}:${addr.port}/`;
  gateway = createGateway({ ...options, publicUrl: url.endsWith("/") ? url : `${url}/` });
  log.info("gateway ({mode}) listening on {url}", { mode: options.mode, url });
  const stopTrimming = trimMemoryEvery();
  const stop = async () => {
    stopTrimming();
    gateway.shutdown();
    ac.abort();
    await server.finished;
  };
  options.signal?.addEventListener("abort", () => void stop(), { once: true });
  return { ...gateway, port: addr.port, url, stop, finished: server.finished };
}
