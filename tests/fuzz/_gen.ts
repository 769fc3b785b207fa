/**
 * The fuzz suite's seeded random source and its generators of hostile input: JSON of every shape, deep
 * nesting, odd numbers and strings, valid samples mutated field by field, random and bit-flipped bytes.
 * Everything derives from one {@linkcode Rng}, so a seed replays a run exactly.
 *
 * @module
 */

/**
 * A small seeded PRNG (sfc32): fast, 32-bit state words, good enough to explore inputs, and replayable.
 *
 * @example
 * ```ts
 * import { Rng } from "./_gen.ts";
 * const rng = new Rng(1);
 * rng.int(6); // 0..5, the same for the same seed
 * ```
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** Seeds the generator (any 32-bit number). */
  constructor(readonly seed: number) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.float();
  }

  /** A float in [0, 1). */
  float(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer in [low, high]. */
  between(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const word = this.float() * 4294967296;
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = word >>> (8 * j);
    }
    return out;
  }

  /** A length skewed towards small values (most inputs short, some up to `max`). */
  length(max: number): number {
    const r = this.float();
    return Math.min(max, Math.floor(r * r * r * (max + 1)));
  }
}

/** Numbers that break careless code: limits of int types, floats, extremes (JSON has no NaN/Infinity). */
export const ODD_NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2,
  7,
  9,
  10,
  16,
  17,
  64,
  100,
  101,
  255,
  256,
  1000,
  1001,
  4095,
  4096,
  32767,
  32768,
  65535,
  65536,
  65537,
  -65536,
  -65537,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32 - 1,
  2 ** 32,
  2 ** 48,
  2 ** 53 - 1,
  2 ** 53,
  -(2 ** 53),
  1e21,
  1e300,
  -1e300,
  5e-324,
  1e-7,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  0.1 + 0.2,
  3840,
  3841,
  2160,
  2161,
  63,
  200_000,
  200_001,
  60_000.5,
];

/**
 * An odd number: a boundary, a random float or a huge/negative magnitude.
 *
 * @example
 * ```ts
 * import { oddNumber } from "./_gen.ts";
 * import { Rng } from "./_gen.ts";
 * typeof oddNumber(new Rng(1)); // "number"
 * ```
 */
export function oddNumber(rng: Rng): number {
  switch (rng.int(4)) {
    case 0:
      return rng.pick(ODD_NUMBERS);
    case 1:
      return rng.pick(ODD_NUMBERS) + rng.pick([-1, 1, 0.5, -0.5]);
    case 2:
      return (rng.float() - 0.5) * 10 ** rng.int(20);
    default:
      return rng.between(-1000, 70000);
  }
}

/** Pieces of strings that break careless code: NUL, lone surrogates, RTL, traversal, markup, prototype keys. */
export const ODD_STRINGS: readonly string[] = [
  "",
  " ",
  "\0",
  "\0\0\0",
  "\ud800",
  "\udfff",
  "\udc00\ud800",
  "\u202e",
  "\u200f",
  "\u200b",
  "\ufeff",
  "\uffff",
  "\ufffe",
  "🦀",
  "👩‍👩‍👧‍👦",
  "e\u0301\u0301\u0301",
  "ﷺ",
  "ש",
  "\r\n",
  "\n",
  "\t",
  "\\",
  '"',
  "'",
  "../",
  "../../../../etc/passwd",
  "..\\..\\",
  "%2e%2e%2f",
  "%00",
  "%ff",
  "%",
  "/",
  "//",
  ".",
  "..",
  "~",
  "<script>alert(1)</script>",
  "${jndi:x}",
  "{{7*7}}",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "kd",
  "hello",
  "true",
  "null",
  "NaN",
  "Infinity",
  "-0",
  "1e999",
  "\u0085",
  "\u2028",
  "\u2029",
  "$(reboot)",
  "`id`",
  ";rm -rf /",
  "a".repeat(255),
  "a".repeat(256),
];

/**
 * An odd string: odd pieces glued together, random code units, or (rarely) one very long string.
 *
 * @example
 * ```ts
 * import { oddString } from "./_gen.ts";
 * import { Rng } from "./_gen.ts";
 * typeof oddString(new Rng(1)); // "string"
 * ```
 */
export function oddString(rng: Rng, options: { allowHuge?: boolean } = {}): string {
  const roll = rng.int(1000);
  if (options.allowHuge && roll === 0) return rng.pick(["x", "€", "\0", "\ud83e"]).repeat(1 << 20);
  if (roll < 10) return rng.pick(["a", "é", "字", "\ud800"]).repeat(rng.length(70_000));
  if (roll < 400) {
    let s = "";
    for (let i = rng.int(4); i >= 0; i--) s += rng.pick(ODD_STRINGS);
    return s;
  }
  if (roll < 700) {
    let s = "";
    for (let i = rng.length(40); i > 0; i--) s += String.fromCharCode(rng.int(0x10000));
    return s;
  }
  let s = "";
  for (let i = rng.length(24); i > 0; i--) s += String.fromCharCode(rng.between(0x20, 0x7e));
  return s;
}

/**
 * Random bytes, mostly short.
 *
 * @example
 * ```ts
 * import { randomBytes } from "./_gen.ts";
 * import { Rng } from "./_gen.ts";
 * randomBytes(new Rng(1), 16).byteLength <= 16; // true
 * ```
 */
export function randomBytes(rng: Rng, max = 4096): Uint8Array<ArrayBuffer> {
  return rng.bytes(rng.length(max));
}

/**
 * A damaged copy of `bytes`: bits flipped, bytes overwritten, truncated, extended or spliced.
 *
 * @example
 * ```ts
 * import { mutateBytes } from "./_gen.ts";
 * import { Rng } from "./_gen.ts";
 * mutateBytes(new Rng(1), new Uint8Array(12)) instanceof Uint8Array; // true
 * ```
 */
export function mutateBytes(rng: Rng, bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  let out = new Uint8Array(bytes);
  for (let n = 1 + rng.length(4); n > 0; n--) {
    const at = out.length ? rng.int(out.length) : 0;
    switch (rng.int(6)) {
      case 0:
        if (out.length) out[at] ^= 1 << rng.int(8);
        break;
      case 1:
        if (out.length) out[at] = rng.pick([0, 0xff, 0x7f, 0x80, rng.int(256)]);
        break;
      case 2:
        out = out.slice(0, rng.int(out.length + 1));
        break;
      case 3: {
        const more = new Uint8Array(out.length + 1 + rng.length(64));
        more.set(out);
        more.set(rng.bytes(more.length - out.length), out.length);
        out = more;
        break;
      }
      case 4:
        out = out.slice(at); // the header of the next frame in the wrong place
        break;
      default:
        if (out.length >= 4) {
          new DataView(out.buffer).setUint32(
            rng.int(out.length - 3),
            rng.pick([0, 0xffffffff, rng.int(2 ** 32)]),
          );
        }
    }
  }
  return out;
}
