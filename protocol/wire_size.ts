/**
 * Sizes of WebSocket messages as they travel: text frames carry UTF-8, so a limit "in bytes" must count UTF-8
 * bytes, not `string.length` (UTF-16 code units). Counting units let a message of 3-byte characters (e.g.
 * "€", CJK) through at three times the limit. Zod-free, so the browser bundle may use it too.
 *
 * @module
 */

/**
 * Bytes of a message on the wire: UTF-8 length for text, `byteLength` for binary.
 *
 * @example
 * ```ts
 * import { wireBytes } from "./wire_size.ts";
 * wireBytes("€"); // 3
 * wireBytes(new Uint8Array(4)); // 4
 * ```
 */
export function wireBytes(data: string | Uint8Array | ArrayBuffer): number {
  if (typeof data !== "string") return data.byteLength;
  let bytes = 0;
  for (let i = 0; i < data.length; i++) {
    const unit = data.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00 && (data.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // A surrogate pair: one code point above U+FFFF.
      i++;
    } else bytes += 3; // Lone surrogates are sent as U+FFFD, also 3 bytes.
  }
  return bytes;
}

/**
 * Whether a message is larger than `maxBytes` on the wire, without counting long texts that cannot fit
 * (UTF-8 needs at least one byte and at most three per UTF-16 unit).
 *
 * @example
 * ```ts
 * import { exceedsBytes } from "./wire_size.ts";
 * exceedsBytes("€".repeat(100), 256); // true: 300 bytes, though only 100 characters
 * ```
 */
export function exceedsBytes(data: string | Uint8Array | ArrayBuffer, maxBytes: number): boolean {
  if (typeof data !== "string") return data.byteLength > maxBytes;
  if (data.length > maxBytes) return true;
  if (data.length * 3 <= maxBytes) return false;
  return wireBytes(data) > maxBytes;
}

/** The longest WebSocket close reason, in UTF-8 bytes (RFC 6455: a 125-byte control frame less the code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Cuts a close reason to what a WebSocket close frame carries ({@linkcode MAX_CLOSE_REASON_BYTES} UTF-8
 * bytes), never inside a character: `close()` throws on a longer one.
 *
 * @example
 * ```ts
 * import { fitCloseReason } from "./wire_size.ts";
 * fitCloseReason("€".repeat(50)).length; // 41: 123 bytes of 3-byte characters
 * ```
 */
export function fitCloseReason(reason: string): string {
  if (!exceedsBytes(reason, MAX_CLOSE_REASON_BYTES)) return reason;
  let out = "";
  for (const char of reason) {
    if (wireBytes(out + char) > MAX_CLOSE_REASON_BYTES) break;
    out += char;
  }
  return out;
}
