/**
 * File transfer between the browser and the job's transfer folder, over the viewer's own WebSocket (the only
 * path the gateway tunnel and Open OnDemand's proxy both carry). One home for both ends (zod-free: the browser
 * bundle imports it; protocol.ts validates the client's messages with the limits defined here).
 *
 * - Control messages are JSON, `file-*` types ({@linkcode TransferClientMessage}, {@linkcode TransferServerMessage}).
 * - File bytes travel in binary frames of kind {@linkcode TRANSFER_FRAME_KIND} (framing.ts's media frames are
 *   kinds 1 and 2, so an older client ignores them): byte 0 the kind, byte 1 reserved (0), bytes 2-5 the
 *   transfer id (uint32, big-endian), bytes 6-11 the byte offset in the file (uint48, big-endian), then at most
 *   {@linkcode TRANSFER_CHUNK_BYTES} of the file.
 * - Each side keeps at most {@linkcode TRANSFER_WINDOW_BYTES} sent and not yet acknowledged (`file-stored` for
 *   uploads, `file-got` for downloads), so a slow link or the gateway's budgets (budgets.ts) never buffer more
 *   than that per transfer, and video frames keep their place on the socket.
 *
 * Why binary and not base64 in JSON: a chunk costs 12 bytes of header instead of a third more bytes plus a
 * JSON parse and a schema check of a 170 KiB string; the gateway's relay already passes a viewer's binary
 * frames up to `MAX_CONTROL_BYTES` (and refuses them from view-only viewers, as it refuses their input).
 *
 * @module
 */

/** Kind byte of a transfer chunk frame (after framing.ts's `MediaKind` video 1 and audio 2). */
export const TRANSFER_FRAME_KIND = 3;
/** Size of a transfer chunk's header in bytes (the same as a media frame's). */
export const TRANSFER_HEADER_BYTES = 12;
/** Most file bytes in one chunk: 128 KiB, well inside the relay's and streamer's `MAX_CONTROL_BYTES`. */
export const TRANSFER_CHUNK_BYTES = 128 * 1024;
/** Most bytes one transfer may have sent and not yet acknowledged: 8 chunks. */
export const TRANSFER_WINDOW_BYTES = 8 * TRANSFER_CHUNK_BYTES;
/** Most transfers (uploads and downloads together) one viewer may run at once. */
export const MAX_ACTIVE_TRANSFERS = 4;
/** Longest file or folder name, in UTF-8 bytes (Linux's NAME_MAX). */
export const MAX_NAME_BYTES = 255;
/** Longest relative path in a message, in UTF-8 bytes. */
export const MAX_PATH_BYTES = 4096;
/** Most entries a listing carries (the rest is cut, and the listing says so). */
export const MAX_LISTING_ENTRIES = 2000;
/** Largest file offset a chunk header can carry (uint48). */
const MAX_OFFSET = 2 ** 48 - 1;
/** Prefix of the temporary file an upload writes before it is renamed (hidden from listings). */
export const UPLOAD_TEMP_PREFIX = ".selkies-upload-";

/** One entry of a folder listing. */
export interface TransferEntry {
  name: string;
  /** `dir` is browsable, `file` downloadable; `other` (a device, a socket, a link out of the folder) neither. */
  kind: "file" | "dir" | "other";
  /** Size in bytes (0 for folders). */
  size: number;
  /** Last modification, Unix epoch milliseconds. */
  mtime: number;
}

/** What the hello tells a viewer that may transfer files. */
export interface TransferHello {
  /** Largest file accepted for upload, in bytes. */
  maxBytes: number;
  /** Why transfer does not work in this session (e.g. the folder is missing); absent when it works. */
  unavailable?: string;
}

/** Transfer messages the browser sends (validated by protocol.ts's schema). */
export type TransferClientMessage =
  /** List the folder `dir` ("" is the transfer folder itself; `a/b` a folder inside it). */
  | { t: "file-list"; dir: string }
  /** Start upload `id` of `size` bytes into `dir`/`name`; chunks follow once the server answers `file-put`. */
  | { t: "file-put"; id: number; dir: string; name: string; size: number }
  /** Start download `id` of the file at `path` (relative to the transfer folder). */
  | { t: "file-get"; id: number; path: string }
  /** Download `id`: `bytes` received so far (opens the server's window). */
  | { t: "file-got"; id: number; bytes: number }
  /** Abandon transfer `id` (an upload's temporary file is removed). */
  | { t: "file-cancel"; id: number };

/** Transfer messages the streamer sends. */
export type TransferServerMessage =
  /** The folder `dir`: its entries, folders first; `truncated` when more than the listing carries. */
  | { t: "file-list"; dir: string; entries: TransferEntry[]; truncated: boolean }
  /** Upload `id` accepted: send chunks; `name` is where it will land (unless that name is taken by then). */
  | { t: "file-put"; id: number; name: string }
  /** Upload `id`: `bytes` written so far (opens the client's window). */
  | { t: "file-stored"; id: number; bytes: number }
  /** Upload `id` is complete under `name` (which may differ from the one asked for: `a (1).txt`). */
  | { t: "file-done"; id: number; name: string; size: number }
  /** Download `id` accepted: `size` bytes of `name` follow in chunks. */
  | { t: "file-get"; id: number; name: string; size: number }
  /** Transfer `id` failed or was refused (no `id`: a listing failed), and why, in words for the user. */
  | { t: "file-error"; id?: number; dir?: string; message: string };

/** One chunk of a file on the wire. */
export interface TransferChunk {
  /** The transfer it belongs to. */
  id: number;
  /** Where its bytes go in the file. */
  offset: number;
  /** The bytes (a view, not a copy, when decoded). */
  data: Uint8Array;
}

/**
 * Encodes a transfer chunk frame.
 *
 * @example
 * ```ts
 * import { decodeTransferChunk, encodeTransferChunk } from "./transfer.ts";
 * const bytes = encodeTransferChunk({ id: 7, offset: 131072, data: new Uint8Array([1, 2]) });
 * decodeTransferChunk(bytes)?.offset; // 131072
 * ```
 */
export function encodeTransferChunk(chunk: TransferChunk): Uint8Array {
  const out = new Uint8Array(TRANSFER_HEADER_BYTES + chunk.data.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, TRANSFER_FRAME_KIND);
  view.setUint32(2, chunk.id >>> 0);
  view.setUint16(6, Math.floor(chunk.offset / 2 ** 32));
  view.setUint32(8, chunk.offset >>> 0);
  out.set(chunk.data, TRANSFER_HEADER_BYTES);
  return out;
}

/**
 * Decodes a transfer chunk frame; `undefined` (never throws) for another kind of frame, a short one, or one
 * carrying more than {@linkcode TRANSFER_CHUNK_BYTES}.
 *
 * @example
 * ```ts
 * import { decodeTransferChunk } from "./transfer.ts";
 * decodeTransferChunk(new Uint8Array([1, 0, 0])); // undefined: not a transfer chunk
 * ```
 */
export function decodeTransferChunk(bytes: Uint8Array): TransferChunk | undefined {
  if (bytes.byteLength < TRANSFER_HEADER_BYTES || bytes[0] !== TRANSFER_FRAME_KIND) return undefined;
  if (bytes.byteLength - TRANSFER_HEADER_BYTES > TRANSFER_CHUNK_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = view.getUint16(6) * 2 ** 32 + view.getUint32(8);
  return { id: view.getUint32(2), offset, data: bytes.subarray(TRANSFER_HEADER_BYTES) };
}

/**
 * Whether a binary frame is a transfer chunk (by its kind byte alone).
 *
 * @example
 * ```ts
 * import { isTransferFrame } from "./transfer.ts";
 * isTransferFrame(new Uint8Array([3])); // true
 * ```
 */
export function isTransferFrame(bytes: Uint8Array): boolean {
  return bytes.byteLength > 0 && bytes[0] === TRANSFER_FRAME_KIND;
}

const utf8 = new TextEncoder();
// C0 controls, DEL and C1 controls: invisible in a listing and dangerous in a terminal.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * What is wrong with a file or folder name, or `undefined` when it is a plain name: one path component,
 * not empty, `.` or `..`, without `/`, NUL or control characters, at most {@linkcode MAX_NAME_BYTES} bytes,
 * and not an upload's temporary name. Any other Unicode is fine.
 *
 * @example
 * ```ts
 * import { nameProblem } from "./transfer.ts";
 * nameProblem("résumé (final).pdf"); // undefined
 * nameProblem("../x"); // "the name \"../x\" contains \"/\": give a plain file name"
 * ```
 */
export function nameProblem(name: string): string | undefined {
  const shown = JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name);
  if (name === "") return "the name is empty";
  if (name === "." || name === "..") return `the name ${shown} names a folder, not a file: give a plain name`;
  if (name.includes("/")) return `the name ${shown} contains "/": give a plain file name`;
  if (CONTROL.test(name)) return `the name ${shown} contains NUL or control characters: rename the file`;
  if (utf8.encode(name).byteLength > MAX_NAME_BYTES) {
    return `the name ${shown} is longer than ${MAX_NAME_BYTES} bytes: rename the file`;
  }
  if (name.startsWith(UPLOAD_TEMP_PREFIX)) return `the name ${shown} is reserved for uploads in progress`;
  return undefined;
}

/**
 * Splits a relative path (`""`, `a`, `a/b`) into its names, or returns what is wrong with it: absolute paths,
 * empty components (`a//b`), `.` and `..` are refused, each name is checked by {@linkcode nameProblem}.
 *
 * @example
 * ```ts
 * import { splitRelativePath } from "./transfer.ts";
 * splitRelativePath("data/run 1"); // ["data", "run 1"]
 * splitRelativePath("/etc"); // "absolute paths are refused: ..."
 * ```
 */
export function splitRelativePath(path: string): string[] | string {
  if (path === "") return [];
  if (utf8.encode(path).byteLength > MAX_PATH_BYTES) return `the path is longer than ${MAX_PATH_BYTES} bytes`;
  if (path.startsWith("/")) {
    return `absolute paths are refused (${JSON.stringify(path.slice(0, 60))}): ` +
      "give a path inside the transfer folder";
  }
  const names = path.split("/");
  for (const name of names) {
    const problem = nameProblem(name);
    if (problem) return `${problem} (in ${JSON.stringify(path.slice(0, 120))})`;
  }
  return names;
}

/**
 * What is wrong with uploading `size` bytes under a limit of `maxBytes`, or `undefined` when it fits: the
 * browser says so before it sends anything, the streamer when it is asked anyway.
 *
 * @example
 * ```ts
 * import { sizeProblem } from "./transfer.ts";
 * sizeProblem("big.iso", 6 * 2 ** 20, 5 * 2 ** 20); // "\"big.iso\" is 6.0 MiB, larger than the upload limit of 5.0 MiB"
 * ```
 */
export function sizeProblem(name: string, size: number, maxBytes: number): string | undefined {
  if (size <= maxBytes) return undefined;
  return `${JSON.stringify(name)} is ${formatBytes(size)}, larger than the upload limit of ${
    formatBytes(maxBytes)
  }`;
}

/**
 * A byte count for people: `4.0 MiB`.
 *
 * @example
 * ```ts
 * import { formatBytes } from "./transfer.ts";
 * formatBytes(5 * 1024 * 1024); // "5.0 MiB"
 * formatBytes(12); // "12 bytes"
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes, unit = 0;
  while (value >= 1024 && unit < units.length - 1) value /= 1024, unit++;
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Whether an offset fits a chunk header (the largest file a transfer can carry is 256 TiB).
 *
 * @example
 * ```ts
 * import { offsetFits } from "./transfer.ts";
 * offsetFits(2 ** 40); // true
 * ```
 */
export function offsetFits(offset: number): boolean {
  return Number.isSafeInteger(offset) && offset >= 0 && offset <= MAX_OFFSET;
}
