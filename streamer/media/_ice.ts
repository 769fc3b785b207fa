/**
 * RTCIceServer entries to webrtcbin's URI form (`stun://host:port`, `turn://user:pass@host:port`).
 *
 * @module
 */
import type { IceServer } from "../../protocol/ice.ts";

/**
 * Converts ICE servers for webrtcbin: the first STUN URL and every TURN URL (credentials inlined).
 *
 * @example
 * ```ts
 * import { gstIceServers } from "./_ice.ts";
 * gstIceServers([{ urls: "turn:t.example:3478", username: "u", credential: "p" }]);
 * // { stun: undefined, turn: ["turn://u:p@t.example:3478"] }
 * ```
 */
export function gstIceServers(servers: readonly IceServer[]): { stun?: string; turn: string[] } {
  let stun: string | undefined;
  const turn: string[] = [];
  for (const server of servers) {
    for (const url of typeof server.urls === "string" ? [server.urls] : server.urls) {
      const m = /^(stun|stuns|turn|turns):(?:\/\/)?([^?]+)(\?.*)?$/.exec(url.trim());
      if (!m) continue;
      const [, scheme, hostPort, query = ""] = m;
      if (scheme.startsWith("stun")) {
        stun ??= `stun://${hostPort}`;
        continue;
      }
      const user = encodeURIComponent(server.username ?? "");
      const pass = encodeURIComponent(server.credential ?? "");
      turn.push(`${scheme}://${user}:${pass}@${hostPort}${query}`);
    }
  }
  return { stun, turn };
}
