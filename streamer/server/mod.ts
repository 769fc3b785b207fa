/**
 * The streamer's embedded HTTP server: serves the browser client, authenticates with the session
 * secret, and hands each viewer WebSocket to the session as a transport-neutral {@linkcode ViewerSocket}.
 *
 * @example
 * ```ts
 * import { createStreamerApp, serveStreamer } from "./mod.ts";
 * const app = createStreamerApp({ token: "s3cret", viewer: (socket, info) => console.log(info.remote) });
 * const server = await serveStreamer(app, { bind: "127.0.0.1" });
 * ```
 *
 * @module
 */
export { createStreamerApp, type StreamerAppOptions, type ViewerInfo } from "./app.ts";
export { serveStreamer, type ServeStreamerOptions, type StreamerServer } from "./serve.ts";
export { type ViewerSocket, wrapWebSocket } from "./viewer_socket.ts";
