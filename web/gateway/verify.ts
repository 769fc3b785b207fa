/**
 * Decides whether a streamer may register a session: the claimed session id must derive from the
 * registration key it shows (so only the holder of the session's secret can claim that id), its MUNGE
 * credential must be valid, fresh and bind exactly the claimed fields, and SLURM must show the job
 * RUNNING, owned by the credential's UID, on the claimed node.
 *
 * @module
 */
import { SelkiesError } from "../../errors.ts";
import { sessionIdOf } from "../../protocol/session_id.ts";
import { type RegisterMessage, registrationPayload } from "../../protocol/tunnel.ts";
import { unmunge } from "./munge.ts";
import { type JobFacts, jobFacts } from "./slurm.ts";

/**
 * Raised when a registration is refused; `message` is safe to send back and log. Exit code 1 (the claim
 * is wrong, not the gateway).
 *
 * @example
 * ```ts
 * import { RegistrationRefusedError } from "./verify.ts";
 * throw new RegistrationRefusedError("registration timestamp too old");
 * ```
 */
export class RegistrationRefusedError extends SelkiesError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 1, options);
  }
}

/** Options for {@linkcode verifyRegistration}. */
export interface VerifyOptions {
  /** munged socket for `unmunge`. @default {munge's default} */
  mungeSocket?: string;
  /** Environment for SLURM clients (`SLURM_CONF`, `PATH`). @default {inherited} */
  slurmEnv?: Record<string, string>;
  /** When set (personal gateway), only this UID may register. */
  onlyUid?: number;
  /** Largest accepted age of the credential's timestamp, ms. @default {300000} */
  maxSkewMs?: number;
}

/** What a verified registration proved. */
export interface VerifiedRegistration {
  /** UID proven by MUNGE. */
  uid: number;
  /** The job as SLURM reports it. */
  job: JobFacts;
}

/**
 * Verifies a registration claim; throws {@linkcode RegistrationRefusedError} with the reason.
 *
 * @example
 * ```ts
 * import { verifyRegistration } from "./verify.ts";
 * import type { RegisterMessage } from "../../protocol/tunnel.ts";
 * declare const msg: RegisterMessage; // from a streamer's tunnel
 * const { uid, job } = await verifyRegistration(msg, { mungeSocket: "/run/munge/munge.socket.2" });
 * ```
 */
export async function verifyRegistration(
  msg: Pick<RegisterMessage, "reg" | "key" | "ts" | "cred">,
  options: VerifyOptions = {},
): Promise<VerifiedRegistration> {
  const { reg, key, ts, cred } = msg;
  // Session ids are public (job logs, `scontrol show job`): the registrant must hold the id's secret.
  if (!key) throw new RegistrationRefusedError("registration key missing");
  if (sessionIdOf(key) !== reg.sessionId) {
    throw new RegistrationRefusedError(
      `session id ${reg.sessionId} does not derive from the registration key`,
    );
  }
  const maxSkew = options.maxSkewMs ?? 300_000;
  if (Math.abs(Date.now() - ts) > maxSkew) {
    throw new RegistrationRefusedError("registration timestamp too old");
  }
  let identity;
  try {
    identity = await unmunge(cred, options.mungeSocket);
  } catch (error) {
    throw new RegistrationRefusedError(`MUNGE: ${(error as Error).message}`);
  }
  if (identity.payload !== registrationPayload(reg, ts)) {
    throw new RegistrationRefusedError("MUNGE payload does not match the registration");
  }
  if (options.onlyUid !== undefined && identity.uid !== options.onlyUid) {
    throw new RegistrationRefusedError("this personal gateway accepts only its own user's sessions");
  }
  let job;
  try {
    job = await jobFacts(reg.jobId, options.slurmEnv);
  } catch (error) {
    throw new RegistrationRefusedError(`SLURM: ${(error as Error).message}`);
  }
  if (job.state !== "RUNNING") {
    throw new RegistrationRefusedError(`job ${reg.jobId} is ${job.state}, not RUNNING`);
  }
  if (job.uid !== identity.uid || job.user !== reg.user) {
    throw new RegistrationRefusedError(`job ${reg.jobId} does not belong to the registering user`);
  }
  if (!job.nodes.includes(reg.node)) {
    throw new RegistrationRefusedError(`node ${reg.node} is not in job ${reg.jobId}'s allocation`);
  }
  return { uid: identity.uid, job };
}
