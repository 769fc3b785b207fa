/**
 * One churn viewer of the gateway churn benchmark, doing over HTTP and WebSocket what a browser page does at the
 * gateway: signs in with the session link's token (a cookie), loads the page and the client's files, opens the
 * viewer WebSocket, acknowledges video frames until it has `frames` of them, and closes.
 *
 * @module
 */
import { decodeMediaFrame } from "../protocol/protocol.ts";
import { openSocket } from "../tests/harness/gateway.ts";

/** Options for {@linkcode churnViewer}. */
export interface ChurnViewerOptions {
  /** Video frames to receive before leaving. @default {3} */
  frames?: number;
  /** Also load the page, client.js and styles.css as a browser does. @default {true} */
  pages?: boolean;
  /** Give up waiting for a frame after this long, ms. @default {10000} */
  timeoutMs?: number;
}

/**
 * Joins `sessionUrl` as a viewer, takes `frames` video frames and leaves; resolves once the socket is closed.
 *
 * @example
 * ```ts
 * import { churnViewer } from "./_churn_viewer.ts";
 * await churnViewer("http://127.0.0.1:8080/s/abcdefgh/", "the token", { frames: 3 });
 * ```
 */
export async function churnViewer(
  sessionUrl: string,
  token: string,
  options: ChurnViewerOptions = {},
): Promise<void> {
  const login = await fetch(`${sessionUrl}?token=${token}`, { redirect: "manual" });
  await login.body?.cancel();
  const cookie = login.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`sign-in at ${sessionUrl} failed: ${login.status}`);
  if (options.pages ?? true) {
    for (const file of ["", "client.js", "styles.css"]) {
      const response = await fetch(`${sessionUrl}${file}`, { headers: { cookie } });
      await response.arrayBuffer();
    }
  }
  const socket = openSocket(`${sessionUrl.replace(/^http/, "ws")}ws`, {
    origin: new URL(sessionUrl).origin,
    cookie,
  });
  try {
    await socket.opened;
    for (let got = 0; got < (options.frames ?? 3);) {
      const message = await socket.next(options.timeoutMs ?? 10_000);
      if (typeof message === "string") continue;
      const frame = decodeMediaFrame(message);
      if (frame?.kind !== "video") continue;
      got++;
      socket.ws.send(JSON.stringify({ t: "ack", seq: frame.seq ?? 0, ms: 0, drawn: true }));
    }
  } finally {
    if (socket.ws.readyState <= WebSocket.OPEN) socket.ws.close();
    await socket.closed;
  }
}
