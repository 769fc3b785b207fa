/**
 * Serves the streamer app on TCP (loopback or all interfaces) or on a unix socket.
 *
 * @module
 */
import type { Hono } from "hono";
import { getLog } from "../../log.ts";

const log = getLog("server");

/** Options of {@linkcode serveStreamer}. */
export interface ServeStreamerOptions {
  /** `127.0.0.1` (local only), `0.0.0.0` (all interfaces, e.g. for Open OnDemand) or `unix:/path.sock`. @default {"127.0.0.1"} */
  bind?: string;
  /** TCP port; 0 picks a free one. Ignored for unix sockets. @default {0} */
  port?: number;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
}

/** A running server. */
export interface StreamerServer {
  /** Base URL ending in `/` (`http://host:port/`), or `unix:/path.sock` for a unix socket. */
  url: string;
  /** The host clients should use (this machine's name when bound to all interfaces), or the socket path. */
  host: string;
  /** The bound TCP port; 0 for a unix socket. */
  port: number;
  /** Stops accepting, closes open connections, and resolves once the server is down. */
  close(): Promise<void>;
}

/**
 * Starts serving `app` and resolves once it listens.
 *
 * @example
 * ```ts
 * import { createStreamerApp, serveStreamer } from "./mod.ts";
 * const app = createStreamerApp({ token: "s3cret", viewer: () => {} });
 * const server = await serveStreamer(app, { bind: "127.0.0.1", port: 0 });
 * console.log(`${server.url}?token=s3cret`);
 * await server.close();
 * ```
 */
export async function serveStreamer(app: Hono, options: ServeStreamerOptions = {}): Promise<StreamerServer> {
  const bind = options.bind ?? "127.0.0.1";
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const listening = Promise.withResolvers<Deno.Addr>();
  const common = {
    signal: stop.signal,
    onListen: (addr: Deno.Addr) => listening.resolve(addr),
    onError: (error: unknown) => {
      log.error("HTTP handler failed: {error}", { error });
      return new Response("internal error\n", { status: 500 });
    },
  };
  const handler = (request: Request, info: Deno.ServeHandlerInfo<Deno.Addr>) => app.fetch(request, info);
  const server = bind.startsWith("unix:")
    ? Deno.serve({ ...common, path: bind.slice("unix:".length) }, handler)
    : Deno.serve({ ...common, hostname: bind, port: options.port ?? 0 }, handler);
  server.finished.finally(() => options.signal?.removeEventListener("abort", onAbort));
  const addr = await listening.promise;
  const close = async () => {
    stop.abort();
    await server.finished;
  };
  if (addr.transport === "unix") return { url: `unix:${addr.path}`, host: addr.path, port: 0, close };
  const tcp = addr as Deno.NetAddr;
  const host = bind === "0.0.0.0" || bind === "::" ? Deno.hostname() : tcp.hostname;
  const shown = host.includes(":") ? `[${host}]` : host;
  log.info("serving on {url}", { url: `http://${shown}:${tcp.port}/` });
  return { url: `http://${shown}:${tcp.port}/`, host, port: tcp.port, close };
}
