/**
 * All FFI to libX11, libXtst, libXfixes and libXrandr, behind typed functions: input injection,
 * resizing, cursor images, clipboard. Nothing outside this folder touches a pointer.
 *
 * @module
 */
export * from "./session.ts";
export * from "./png.ts";
export * from "./grabber.ts";
