/**
 * Errors of the desktop side a user (or site admin) can hit, each with a message that says what to do.
 *
 * @module
 */
import { SelkiesError } from "../../errors.ts";

/**
 * The X server could not be started or did not come up.
 *
 * @example
 * ```ts
 * import { DisplayError } from "./errors.ts";
 * throw new DisplayError("Xvfb is not on PATH: install the xvfb package");
 * ```
 */
export class DisplayError extends SelkiesError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 2, options);
  }
}
