/**
 * Image encoders for the hybrid screen encoding: rectangles of a BGRX screen frame as lossless or lossy WebP
 * (libwebp) and JPEG (libjpeg-turbo), read in place. All FFI to those libraries stays in this folder.
 *
 * @module
 */
export * from "./frame.ts";
export * from "./webp.ts";
export * from "./jpeg.ts";
