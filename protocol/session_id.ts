/**
 * What a session's secret derives, computed the same way by every launch path (`selkies-hpc submit`, the
 * gateway's portal, a plain `sbatch selkies.sh`, the Open OnDemand app), by the streamer and by the gateway:
 *
 * - the **token hash** `sha256(secret)`: what the gateway keeps to check `?token=` links;
 * - the **registration key** `sha256("selkies-hpc register\0" + secret)`: what a streamer shows the gateway
 *   (over the TLS tunnel, never logged) to prove it may register the session;
 * - the **session id** `sha256("selkies-hpc session\0" + key)`, first 22 base64url characters (132 bits):
 *   the public name in URLs.
 *
 * Session ids are public: `scontrol show job` shows every job's `StdOut=.../sessions/<id>/job.log`. Because
 * the id is a one-way function of the key, and the key of the secret, the gateway can check that a claimed id
 * derives from the key it was shown, and nobody without the job's private secret can register (or, after a
 * gateway restart, re-register) someone else's id. The id reveals nothing of the secret.
 *
 * @module
 */
import { sha256 } from "../secrets.ts";

/** Shape of a registration key: sha256, base64url without padding. */
export const REGISTRATION_KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** Length of a derived session id, in characters (132 bits). */
export const SESSION_ID_LENGTH = 22;

/** Everything derived from one session secret. */
export interface SessionKeys {
  /** Public id of the session (URLs, folder names, logs). */
  sessionId: string;
  /** sha256 of the secret, base64url: the gateway checks tokens against it. */
  tokenHash: string;
  /** Proof, shown to the gateway at registration, that the streamer holds the secret. Never log it. */
  registrationKey: string;
}

/**
 * SHA-256 of a session secret, base64url: what the streamer registers and the gateway keeps (never the
 * secret itself).
 *
 * @example
 * ```ts
 * import { hashSessionSecret } from "./session_id.ts";
 * hashSessionSecret("s3cret").length; // 43
 * ```
 */
export function hashSessionSecret(secret: string): string {
  return sha256(secret);
}

/**
 * The registration key of a session secret: `base64url(sha256("selkies-hpc register\0" + secret))`.
 *
 * @example
 * ```ts
 * import { registrationKey } from "./session_id.ts";
 * registrationKey("s3cret").length; // 43
 * ```
 */
export function registrationKey(secret: string): string {
  return sha256(`selkies-hpc register\0${secret}`);
}

/**
 * The session id a registration key stands for: `base64url(sha256("selkies-hpc session\0" + key))`, first
 * {@linkcode SESSION_ID_LENGTH} characters. The gateway compares a claimed id with this.
 *
 * @example
 * ```ts
 * import { registrationKey, sessionIdOf } from "./session_id.ts";
 * sessionIdOf(registrationKey("s3cret")).length; // 22
 * ```
 */
export function sessionIdOf(key: string): string {
  return sha256(`selkies-hpc session\0${key}`).slice(0, SESSION_ID_LENGTH);
}

/**
 * The session id, token hash and registration key of a session secret.
 *
 * @example
 * ```ts
 * import { sessionKeys } from "./session_id.ts";
 * const { sessionId } = sessionKeys("s3cret"); // the folder name and the id under the gateway
 * ```
 */
export function sessionKeys(secret: string): SessionKeys {
  const key = registrationKey(secret);
  return { sessionId: sessionIdOf(key), tokenHash: hashSessionSecret(secret), registrationKey: key };
}
