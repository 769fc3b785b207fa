/**
 * Errors of the media layer a user can hit, each with a message that says what to do.
 *
 * @module
 */
import { SelkiesError } from "../../errors.ts";

/**
 * A pinned encoder does not work on this machine (exit code 1: pick another), or no encoder works
 * (`auto`, exit code 2: install one).
 */
export class EncoderUnavailableError extends SelkiesError {
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
    super(`encoder ${encoder} is not available (${reason}); ${instead}`, encoder === "auto" ? 2 : 1);
    this.encoder = encoder;
  }
}

/** The media worker failed (pipeline error, crash loop, or protocol violation). Exit code 2. */
export class MediaWorkerError extends SelkiesError {
  /**
   * Creates the error.
   *
   * @example
   * ```ts
   * import { MediaWorkerError } from "./errors.ts";
   * new MediaWorkerError("ximagesrc: cannot open display :99");
   * ```
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, 2, options);
  }
}
