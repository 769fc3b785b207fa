/**
 * The peer: TigerVNC's Xvnc + websockify + noVNC, as Open OnDemand runs them.
 *
 * @module
 */
import { ProcessGroup } from "../streamer/process/mod.ts";
import { waitFor } from "../tests/fixtures/async.ts";
import { freePort } from "../tests/fixtures/net.ts";
import { DENO_PATH, type PeerOptions, type PeerSession, STAMP_PATH } from "./peer.ts";
import { serverSelector } from "./session_procs.ts";

/** noVNC settings Open OnDemand's session card submits by default (compression 6, quality 2). */
export const OOD_NOVNC = { quality: 2, compression: 6 } as const;

/**
 * Starts Xvnc on a free display (Unix socket only, no password: loopback benchmark only), the
 * content on it, and websockify serving Debian's noVNC.
 *
 * @example
 * ```ts
 * import { startVnc } from "./vnc.ts";
 * const vnc = await startVnc({ geometry: "1920x1080", content: "idle", workDir: "/tmp/x" });
 * console.log(vnc.url);
 * await vnc.stop();
 * ```
 */
export async function startVnc(options: PeerOptions): Promise<PeerSession> {
  const server = new ProcessGroup({ graceMs: 2000 });
  const content = new ProcessGroup({ graceMs: 2000 });
  const stop = async () => {
    await content.stop();
    await server.stop();
    return 0;
  };
  try {
    const socket = `${options.workDir}/vnc.sock`;
    const xvnc = server.spawn("Xvnc", "Xvnc", {
      args: [
        "-displayfd",
        "1",
        "-geometry",
        options.geometry,
        "-depth",
        "24",
        "-SecurityTypes",
        "None",
        "-rfbunixpath",
        socket,
        "-rfbport",
        "-1",
        "-nolisten",
        "tcp",
        "-AlwaysShared",
        "-desktop",
        "bench",
      ],
      stdout: "piped",
      stderr: "null",
    });
    const display = await readDisplay(xvnc.process.stdout);
    const port = freePort();
    server.spawn("websockify", "websockify", {
      args: ["--web", "/usr/share/novnc", `--unix-target=${socket}`, `127.0.0.1:${port}`],
      stderr: "null",
    });
    content.spawn("content", DENO_PATH, {
      args: ["run", "-A", "--quiet", STAMP_PATH, options.content],
      env: { DISPLAY: `:${display}` },
      stderr: "inherit",
    });
    await waitFor(
      "websockify to listen",
      () => Deno.connect({ hostname: "127.0.0.1", port }).then((c) => (c.close(), true), () => false),
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    const query = new URLSearchParams({
      autoconnect: "true",
      reconnect: "false",
      resize: "off",
      path: "websockify",
      quality: String(OOD_NOVNC.quality),
      compression: String(OOD_NOVNC.compression),
    });
    const pids = () => server.children.map((c) => c.pid);
    return {
      url: `http://127.0.0.1:${port}/vnc.html?${query}`,
      server: serverSelector(pids),
      settings: { ...OOD_NOVNC, encoding: "Tight (noVNC 1.3 default list)", server: "TigerVNC 1.12" },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function readDisplay(stdout: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const timeout = setTimeout(() => reader.cancel(), 10_000);
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timeout);
    await reader.cancel().catch(() => {}); // Xvnc writes nothing more there
  }
  const display = Number.parseInt(text, 10);
  if (!Number.isInteger(display)) {
    throw new Error(`Xvnc did not report a display number (got ${JSON.stringify(text)})`);
  }
  return display;
}
