/**
 * The decision core of the hybrid screen encoding (issue 11): from a captured frame and X's damage to a plan
 * of copies, fills, lossless or lossy image tiles, or full-frame video, with the per-tile history behind
 * those choices. Pure TypeScript: the encoders and the grabber are injected by the media worker.
 *
 * @module
 */
export * from "./frame.ts";
export * from "./options.ts";
export * from "./plan.ts";
export * from "./planner.ts";
export * from "./region.ts";
export * from "./scroll.ts";
export * from "./tiles.ts";
export * from "./video.ts";
