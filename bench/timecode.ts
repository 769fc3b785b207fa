/**
 * The machine-readable time code every benchmark frame carries: two rows of black/white blocks in
 * the top-left corner. Row 0 holds the bits, row 1 their complement, so a torn or smeared frame
 * fails the check instead of giving a wrong time. The layout is pure data so the X client that
 * draws it and the in-page probe that reads it share one definition.
 *
 * Bits, left to right: sync `1 0`, 24 bits of `Date.now() mod 2^24` (MSB first), 4 bits of a key
 * press counter, 2 spare bits (0).
 *
 * @module
 */

/** Edge of one block in pixels: a whole macroblock, so H.264 keeps it black or white. */
export const BLOCK = 16;
/** Columns of blocks. */
export const COLUMNS = 32;
/** Bits of the millisecond clock carried. */
export const TIME_BITS = 24;
/** Bits of the key press counter carried. */
export const KEY_BITS = 4;
/** Width of the time code in pixels. */
export const CODE_WIDTH: number = BLOCK * COLUMNS;
/** Height of the time code in pixels (two rows). */
export const CODE_HEIGHT: number = BLOCK * 2;

/** What one time code says. */
export interface TimeCode {
  /** `Date.now()` modulo 2^24 when the frame was drawn. */
  time: number;
  /** Key presses seen by the X client, modulo 16. */
  keys: number;
}

/**
 * Returns the 32 bits (row 0) that encode a time code.
 *
 * @example
 * ```ts
 * import { encodeTimeCode } from "./timecode.ts";
 * encodeTimeCode({ time: 1, keys: 0 }).length; // 32
 * ```
 */
export function encodeTimeCode(code: TimeCode): boolean[] {
  const bits = [true, false];
  for (let i = TIME_BITS - 1; i >= 0; i--) bits.push(((code.time >>> i) & 1) === 1);
  for (let i = KEY_BITS - 1; i >= 0; i--) bits.push(((code.keys >>> i) & 1) === 1);
  bits.push(false, false);
  return bits;
}

/**
 * Reads a time code back; `isWhite(column, row)` says whether a block is white. Returns null when
 * the sync bits or the complement row do not match (no code, torn or blurred frame).
 * Self-contained (no imports, no closures) because the benchmark injects its source into pages.
 *
 * @example
 * ```ts
 * import { decodeTimeCode, encodeTimeCode } from "./timecode.ts";
 * const bits = encodeTimeCode({ time: 1234, keys: 3 });
 * decodeTimeCode((c, r) => r === 0 ? bits[c] : !bits[c]); // { time: 1234, keys: 3 }
 * ```
 */
export function decodeTimeCode(isWhite: (column: number, row: number) => boolean): TimeCode | null {
  const bits: boolean[] = [];
  for (let c = 0; c < 32; c++) {
    const top = isWhite(c, 0);
    if (top === isWhite(c, 1)) return null;
    bits.push(top);
  }
  if (!bits[0] || bits[1] || bits[30] || bits[31]) return null;
  let time = 0;
  for (let i = 2; i < 26; i++) time = time * 2 + (bits[i] ? 1 : 0);
  let keys = 0;
  for (let i = 26; i < 30; i++) keys = keys * 2 + (bits[i] ? 1 : 0);
  return { time, keys };
}

/**
 * Milliseconds from a stamped time to `now` (both `Date.now()` values), across the 2^24 wrap.
 *
 * @example
 * ```ts
 * import { elapsedSince } from "./timecode.ts";
 * elapsedSince(2 ** 24 - 5, 2 ** 24 + 10); // 15
 * ```
 */
export function elapsedSince(stamped: number, now: number): number {
  const span = 2 ** 24;
  return (((now % span) - stamped) % span + span) % span;
}
