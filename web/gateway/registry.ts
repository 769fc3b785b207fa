/**
 * What the gateway knows at run time: registered sessions (with their tunnel), view-only share
 * links, and the cookie grants browsers hold. Only hashes of secrets are kept.
 *
 * @module
 */
import type { Registration } from "../../protocol/tunnel.ts";
import type { JobFacts } from "./slurm.ts";
import type { GatewayTunnel } from "./tunnel_conn.ts";
import { Buffer } from "node:buffer";
import { createHmac } from "node:crypto";
import { hashSessionSecret } from "../../protocol/session_id.ts";
import { newSecret, safeEqual } from "../../secrets.ts";

/** A registered session. */
export interface SessionEntry {
  /** What the streamer registered. */
  reg: Registration;
  /** UID proven by MUNGE. */
  uid: number;
  /** The job as SLURM reported it at registration. */
  job: JobFacts;
  /** The live tunnel. */
  tunnel: GatewayTunnel;
  /** When it (last) registered, ms since the epoch. */
  registeredAt: number;
}

/** A view-only share link. */
export interface Share {
  /** Public id (for revocation). */
  id: string;
  /** Session it opens. */
  sessionId: string;
  /** sha256 of the share secret. */
  tokenHash: string;
  /** Expiry, ms since the epoch. */
  expires: number;
}

/** What a browser may do in one session. */
export interface Access {
  /** View-only (input refused). */
  viewOnly: boolean;
  /** Share link it came through, if any (so revocation ends it). */
  shareId?: string;
  /** Signed-in user, when known. */
  user?: string;
}

interface Grant extends Access {
  sessionId: string;
  expires: number;
}

/** Options for {@linkcode SessionRegistry}. */
export interface SessionRegistryOptions {
  /**
   * How long the id of a session whose tunnel closed is remembered, to count a re-registration as a
   * reconnect, ms (streamers reconnect within seconds; an id kept for good grows a months-old gateway).
   * @default {3600000}
   */
  forgetAfterMs?: number;
}

/**
 * The gateway's in-memory registry of sessions, shares and grants.
 *
 * @example
 * ```ts
 * import { SessionRegistry } from "./registry.ts";
 * const registry = new SessionRegistry();
 * registry.list().length; // 0
 * ```
 */
export class SessionRegistry {
  readonly #sessions = new Map<string, SessionEntry>();
  readonly #shares = new Map<string, Share>();
  readonly #grants = new Map<string, Grant>();
  /** Ids seen, with when their tunnel closed (Infinity while registered). */
  readonly #known = new Map<string, number>();
  readonly #forgetAfterMs: number;
  #sweptAt = 0;

  /** Creates an empty registry. */
  constructor(options: SessionRegistryOptions = {}) {
    this.#forgetAfterMs = options.forgetAfterMs ?? 3_600_000;
  }

  /** The session with this id, if registered. */
  get(sessionId: string): SessionEntry | undefined {
    return this.#sessions.get(sessionId);
  }

  /**
   * Registers (or re-registers) a session; returns whether this id was seen before (within `forgetAfterMs`
   * of its last tunnel closing).
   */
  put(entry: SessionEntry): boolean {
    this.#forget();
    const seen = this.#known.has(entry.reg.sessionId);
    this.#known.set(entry.reg.sessionId, Infinity);
    this.#sessions.set(entry.reg.sessionId, entry);
    return seen;
  }

  /** Removes a session, but only while `tunnel` is still the one registered for it. */
  remove(sessionId: string, tunnel: GatewayTunnel): void {
    if (this.#sessions.get(sessionId)?.tunnel !== tunnel) return;
    this.#sessions.delete(sessionId);
    this.#known.set(sessionId, Date.now());
  }

  /** Session ids remembered for reconnect counting (registered ones and recently closed ones). */
  get rememberedIds(): number {
    return this.#known.size;
  }

  /** Sessions, optionally only those of `user`. */
  list(user?: string): SessionEntry[] {
    return [...this.#sessions.values()].filter((s) => user === undefined || s.reg.user === user);
  }

  /** Creates a view-only share link secret for a session; the secret is returned once, never stored. */
  createShare(sessionId: string, ttlMs: number): { share: Share; token: string } {
    const token = newSecret();
    const share = {
      id: newSecret(9),
      sessionId,
      tokenHash: hashSessionSecret(token),
      expires: Date.now() + ttlMs,
    };
    this.#shares.set(share.id, share);
    return { share, token };
  }

  /** Revokes a share link and every grant made from it; returns whether it existed. */
  revokeShare(sessionId: string, shareId: string): boolean {
    const share = this.#shares.get(shareId);
    if (!share || share.sessionId !== sessionId) return false;
    this.#shares.delete(shareId);
    for (const [key, grant] of this.#grants) if (grant.shareId === shareId) this.#grants.delete(key);
    return true;
  }

  /** Live share links of a session. */
  shares(sessionId: string): Share[] {
    const now = Date.now();
    return [...this.#shares.values()].filter((s) => s.sessionId === sessionId && s.expires > now);
  }

  /** Checks a `?token=` against the session's owner secret and its share links. */
  checkToken(entry: SessionEntry, token: string): Access | undefined {
    const hash = hashSessionSecret(token);
    if (safeEqual(hash, entry.reg.tokenHash)) return { viewOnly: false };
    const now = Date.now();
    for (const share of this.#shares.values()) {
      if (
        share.sessionId === entry.reg.sessionId && share.expires > now && safeEqual(hash, share.tokenHash)
      ) {
        return { viewOnly: true, shareId: share.id };
      }
    }
    return undefined;
  }

  /**
   * Issues a cookie value granting `access` to a session. Owner grants are stateless (signed with
   * the session's token hash, which only the gateway and the streamer know), so they stay valid
   * across a gateway restart once the streamer re-registers; share grants live in memory.
   */
  grant(sessionId: string, access: Access, ttlMs: number): string {
    this.#sweep();
    const expires = Date.now() + ttlMs;
    const entry = this.#sessions.get(sessionId);
    if (!access.viewOnly && !access.shareId && entry) {
      const head = `o.${expires.toString(36)}.${Buffer.from(access.user ?? "").toString("base64url")}`;
      return `${head}.${ownerMac(entry.reg.tokenHash, sessionId, head)}`;
    }
    const key = newSecret();
    this.#grants.set(key, { ...access, sessionId, expires });
    return key;
  }

  /** Resolves a cookie value to the access it grants in `sessionId`, if still valid. */
  resolve(sessionId: string, key: string | undefined): Access | undefined {
    if (key?.startsWith("o.")) return this.#resolveOwner(sessionId, key);
    const grant = key ? this.#grants.get(key) : undefined;
    if (!grant || grant.sessionId !== sessionId || grant.expires < Date.now()) return undefined;
    if (grant.shareId) {
      const share = this.#shares.get(grant.shareId);
      if (!share || share.expires < Date.now()) return undefined;
    }
    return { viewOnly: grant.viewOnly, shareId: grant.shareId, user: grant.user };
  }

  #resolveOwner(sessionId: string, key: string): Access | undefined {
    const entry = this.#sessions.get(sessionId);
    const parts = key.split(".");
    if (!entry || parts.length !== 4) return undefined;
    const head = parts.slice(0, 3).join(".");
    if (!safeEqual(parts[3], ownerMac(entry.reg.tokenHash, sessionId, head))) return undefined;
    if (parseInt(parts[1], 36) < Date.now()) return undefined;
    const user = Buffer.from(parts[2], "base64url").toString();
    return { viewOnly: false, user: user || undefined };
  }

  /** Forgets ids closed longer than `forgetAfterMs` ago; looks at most once a minute (or per window). */
  #forget(): void {
    const now = Date.now();
    if (now - this.#sweptAt < Math.min(60_000, this.#forgetAfterMs)) return;
    this.#sweptAt = now;
    for (const [id, closedAt] of this.#known) {
      if (now - closedAt >= this.#forgetAfterMs) this.#known.delete(id);
    }
  }

  #sweep(): void {
    const now = Date.now();
    for (const [key, grant] of this.#grants) if (grant.expires < now) this.#grants.delete(key);
    for (const [id, share] of this.#shares) if (share.expires < now) this.#shares.delete(id);
  }
}

function ownerMac(tokenHash: string, sessionId: string, head: string): string {
  return createHmac("sha256", tokenHash).update(`${sessionId}|${head}`).digest("base64url");
}
