/**
 * Characters as X keysyms, the rule both ends share: the browser sends keys and committed text (IME, on-screen
 * keyboards) by character, the streamer types them with whatever keys the X keymap has.
 *
 * @module
 */

/** The most UTF-16 units one `text` message carries (an IME commit, a word of a phone keyboard). */
export const MAX_TEXT_CHARS = 256;

const RETURN = 0xff0d;
const TAB = 0xff09;

/**
 * Returns the keysym of one Unicode character: Latin-1 maps directly, everything else to
 * `0x01000000 + codepoint`; control characters have none.
 *
 * @example
 * ```ts
 * import { keysymFromChar } from "./keysym.ts";
 * keysymFromChar("a"); // 0x61
 * keysymFromChar("€"); // 0x10020ac
 * ```
 */
export function keysymFromChar(char: string): number | undefined {
  const cp = char.codePointAt(0);
  if (cp === undefined || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return undefined;
  return cp <= 0xff ? cp : 0x01000000 + cp;
}

/**
 * The keysyms that type `text`, one per character (a line break is Return, a tab Tab; other control
 * characters are left out).
 *
 * @example
 * ```ts
 * import { keysymsFromText } from "./keysym.ts";
 * keysymsFromText("日本\n"); // [0x10065e5, 0x1006728, 0xff0d]
 * ```
 */
export function keysymsFromText(text: string): number[] {
  const keysyms: number[] = [];
  for (const char of text.replace(/\r\n?/g, "\n")) {
    const keysym = char === "\n" ? RETURN : char === "\t" ? TAB : keysymFromChar(char);
    if (keysym !== undefined) keysyms.push(keysym);
  }
  return keysyms;
}

/**
 * Cuts `text` into pieces of at most {@linkcode MAX_TEXT_CHARS} UTF-16 units, never inside a character.
 *
 * @example
 * ```ts
 * import { splitText } from "./keysym.ts";
 * splitText("x".repeat(300)).map((s) => s.length); // [256, 44]
 * ```
 */
export function splitText(text: string): string[] {
  const pieces: string[] = [];
  let piece = "";
  for (const char of text) {
    if (piece.length + char.length > MAX_TEXT_CHARS) {
      pieces.push(piece);
      piece = "";
    }
    piece += char;
  }
  if (piece) pieces.push(piece);
  return pieces;
}
