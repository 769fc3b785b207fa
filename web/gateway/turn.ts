/**
 * TURN credentials in coturn's `use-auth-secret` (TURN REST API) form: username
 * `<expiry unix seconds>:<user>`, credential base64(HMAC-SHA1(secret, username)).
 *
 * @module
 */
import { createHmac } from "node:crypto";
import type { IceServer } from "../../protocol/ice.ts";

/** TURN settings of a gateway. */
export interface TurnOptions {
  /** `turn:`/`turns:` URLs of the coturn server(s). */
  urls: string[];
  /** The `static-auth-secret` shared with coturn. */
  secret: string;
  /** Credential lifetime, seconds. @default {86400} */
  ttlSeconds?: number;
  /** Extra ICE servers handed out as they are (e.g. `stun:` URLs). @default {[]} */
  extra?: IceServer[];
}

/**
 * Mints a time-limited TURN credential for `user`.
 *
 * @example
 * ```ts
 * import { mintTurnCredential } from "./turn.ts";
 * const { username } = mintTurnCredential("s3cret", "ada", 3600, 1_700_000_000_000);
 * username; // "1700003600:ada"
 * ```
 */
export function mintTurnCredential(
  secret: string,
  user: string,
  ttlSeconds: number,
  now = Date.now(),
): { username: string; credential: string } {
  const username = `${Math.floor(now / 1000) + ttlSeconds}:${user}`;
  const credential = createHmac("sha1", secret).update(username).digest("base64");
  return { username, credential };
}

/**
 * The ICE server list for one party of a session: TURN URLs with fresh credentials, plus extras.
 *
 * @example
 * ```ts
 * import { iceServersFor } from "./turn.ts";
 * iceServersFor({ urls: ["turn:turn.example.org:3478"], secret: "s" }, "ada")[0].username?.endsWith(":ada");
 * ```
 */
export function iceServersFor(turn: TurnOptions | undefined, user: string): IceServer[] {
  if (!turn) return [];
  const servers: IceServer[] = [...(turn.extra ?? [])];
  if (turn.urls.length) {
    servers.unshift({ urls: turn.urls, ...mintTurnCredential(turn.secret, user, turn.ttlSeconds ?? 86400) });
  }
  return servers;
}
