/**
 * Errors of the media layer a user can hit, each with a message that says what to do.
 *
 * @module
 */

/** A pinned encoder does not work on this machine. */
export class EncoderUnavailableError extends Error {
  /** The encoder that was asked for. */
  readonly encoder: string;
  /**
   * Creates the error.
   *
   * @example
   * ```ts
   * import { EncoderUnavailableError } from "./errors.ts";
   * new EncoderUnavailableError("nvh264", "element not registered", ["x264", "vp8"]);
   * ```
   */
  constructor(encoder: string, reason: string, working: readonly string[]) {
    const instead = working.length
      ? `use --encoder auto or one that works here: ${working.join(", ")}`
      : "no video encoder works here: install gstreamer1.0-plugins-ugly (x264enc) or gstreamer1.0-plugins-good (vp8enc)";
    super(`encoder ${encoder} is not available (${reason}); ${instead}`);
    this.name = "EncoderUnavailableError";
    this.encoder = encoder;
  }
}

/** The media worker failed (pipeline error, crash loop, or protocol violation). */
export class MediaWorkerError extends Error {
  /**
   * Creates the error.
   *
   * @example
   * ```ts
   * import { MediaWorkerError } from "./errors.ts";
   * new MediaWorkerError("ximagesrc: cannot open display :99");
   * ```
   */
  constructor(message: string) {
    super(message);
    this.name = "MediaWorkerError";
  }
}
