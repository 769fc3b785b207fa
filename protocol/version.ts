/**
 * The wire protocol's version, and the check the browser client makes on the server's `hello`: a page
 * cached from (or served by a gateway running) another release than the session's streamer must say so,
 * not misread messages. Zod-free, so the browser bundle can import it.
 *
 * @module
 */

/** Protocol version (`hello.v`); bumped on any incompatible change of protocol.ts or framing.ts. */
export const PROTOCOL_VERSION = 1;

/**
 * What to tell the user when a server's `hello` speaks another protocol version than this code; `undefined`
 * when it is the same.
 *
 * @param spoken The `v` of the server's `hello` (anything: an old or foreign server may send no number).
 * @returns A message that says what to do, or `undefined` when the versions match.
 *
 * @example
 * ```ts
 * import { PROTOCOL_VERSION, versionMismatch } from "./version.ts";
 * versionMismatch(PROTOCOL_VERSION); // undefined
 * versionMismatch(PROTOCOL_VERSION + 1); // "This page speaks protocol version 1, the session speaks 2: ..."
 * ```
 */
export function versionMismatch(spoken: unknown): string | undefined {
  if (spoken === PROTOCOL_VERSION) return undefined;
  const theirs = typeof spoken === "number" && Number.isInteger(spoken) ? String(spoken) : "an unknown one";
  return `This page speaks protocol version ${PROTOCOL_VERSION}, the session speaks ${theirs}: reload the page. ` +
    "If this message stays, the page and the session come from different selkies-hpc releases " +
    "(e.g. the gateway's and the compute node's): ask your site's administrators.";
}
