/**
 * Verifies MUNGE credentials with the `unmunge` client (credential on stdin, never argv).
 *
 * @module
 */
import { SelkiesError } from "../../errors.ts";
import { runCommand as exec } from "../../exec.ts";

/** What a valid credential proves. */
export interface MungeIdentity {
  /** UID of the process that created the credential. */
  uid: number;
  /** GID of that process. */
  gid: number;
  /** The payload it carries. */
  payload: string;
}

/**
 * Raised when a credential is invalid, expired, replayed, or unmunge cannot run. Exit code 2.
 *
 * @example
 * ```ts
 * import { MungeVerifyError } from "./munge.ts";
 * throw new MungeVerifyError("credential refused: Replayed credential");
 * ```
 */
export class MungeVerifyError extends SelkiesError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 2, options);
  }
}

/**
 * Decodes and verifies a credential through munged; munged itself rejects replays and expiry.
 *
 * @example
 * ```ts
 * import { unmunge } from "./munge.ts";
 * declare const credential: string; // from a registration
 * const { uid, payload } = await unmunge(credential, "/run/munge/munge.socket.2");
 * ```
 */
export async function unmunge(credential: string, socket?: string): Promise<MungeIdentity> {
  let result;
  try {
    result = await exec("unmunge", socket ? ["--socket", socket] : [], { stdin: credential });
  } catch (error) {
    throw new MungeVerifyError(`cannot run unmunge (install munge on the gateway host): ${error}`);
  }
  if (result.code !== 0) {
    // munged reports replays and expiry in the STATUS line, with nothing on stderr.
    const status = /^STATUS:[ \t]+(.+)$/m.exec(result.stdout)?.[1];
    const why = status ?? result.stderr.trim().replace(/^unmunge: Error: /, "");
    throw new MungeVerifyError(`credential refused: ${why || `unmunge exit ${result.code}`}`);
  }
  const split = result.stdout.indexOf("\n\n");
  const head = split < 0 ? result.stdout : result.stdout.slice(0, split);
  const uid = /^UID:\s+\S*\s*\((\d+)\)/m.exec(head)?.[1];
  const gid = /^GID:\s+\S*\s*\((\d+)\)/m.exec(head)?.[1];
  if (uid === undefined || gid === undefined || split < 0) {
    throw new MungeVerifyError("unexpected unmunge output");
  }
  return { uid: Number(uid), gid: Number(gid), payload: result.stdout.slice(split + 2).replace(/\n$/, "") };
}
