/**
 * The errors of the X11 connection.
 *
 * @module
 */
import { SelkiesError } from "../../errors.ts";

/**
 * The X display cannot be opened (not running, or the cookie does not match), lacks an extension, or its
 * connection was lost. Exit code 2.
 *
 * @example
 * ```ts
 * import { X11Error } from "./errors.ts";
 * throw new X11Error("cannot open X display :5: is Xvfb running, and is XAUTHORITY its cookie?");
 * ```
 */
export class X11Error extends SelkiesError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 2, options);
  }
}

/**
 * The X server did not answer in time: another client holds a server grab (a media worker stuck while
 * capturing, for one), or the server is stopped. The request was not applied, or only in part.
 *
 * @example
 * ```ts
 * import { X11TimeoutError } from "./errors.ts";
 * throw new X11TimeoutError("resize", 10_000);
 * ```
 */
export class X11TimeoutError extends X11Error {
  /** What was asked of the server. */
  readonly what: string;

  constructor(what: string, ms: number) {
    super(`the X server did not answer ${what} within ${ms / 1000} s (is another client holding a grab?)`);
    this.what = what;
  }
}
