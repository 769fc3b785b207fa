/**
 * The desktop or application on the session's display, with optional container and VirtualGL wrapping.
 *
 * @module
 */
export * from "./desktop.ts";
export * from "./gpu.ts";
export * from "./virtualgl.ts";
export * from "./errors.ts";
