/**
 * File transfer on the compute node (protocol/transfer.ts): the transfer folder and its path rule, uploads
 * that never leave half a file under its name, downloads, listings, and one viewer's transfers over its
 * socket. docs/file_transfer.md describes it for users and admins.
 *
 * @module
 */
export * from "./root.ts";
export * from "./listing.ts";
export * from "./upload.ts";
export * from "./download.ts";
export * from "./transfers.ts";
export * from "./settings.ts";
