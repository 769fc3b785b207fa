/**
 * Errors starting the desktop or application that a user can fix.
 *
 * @module
 */
import { SelkiesError } from "../../errors.ts";

/**
 * The desktop, application, container or GL wrapper cannot be started as asked.
 *
 * @example
 * ```ts
 * import { DesktopError } from "./errors.ts";
 * throw new DesktopError("image is set but neither apptainer nor singularity is on PATH");
 * ```
 */
export class DesktopError extends SelkiesError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 1, options);
  }
}
