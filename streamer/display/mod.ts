/**
 * The session's private X display (Xvfb).
 *
 * @module
 */
export * from "./xvfb.ts";
export * from "./errors.ts";
