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

/** An odd number: a boundary, a random float or a huge/negative magnitude. */
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

/** An odd string: odd pieces glued together, random code units, or (rarely) one very long string. */
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

/** Any JSON value: scalars, arrays and objects (odd keys included), at most `depth` levels deep. */
export function randomJson(rng: Rng, depth = 4): unknown {
  const kind = rng.int(depth > 0 ? 8 : 5);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return oddNumber(rng);
    case 3:
    case 4:
      return oddString(rng);
    case 5:
    case 6: {
      const out: Record<string, unknown> = {};
      for (let i = rng.length(8); i > 0; i--) {
        const key = rng.chance(0.3) ? rng.pick(["t", "__proto__", "constructor", "id", "v"]) : oddString(rng);
        out[key] = randomJson(rng, depth - 1);
      }
      return out;
    }
    default:
      return Array.from({ length: rng.length(8) }, () => randomJson(rng, depth - 1));
  }
}

/**
 * JSON text nested `levels` deep (arrays, objects, or both), to stress recursive parsers. 100 000 levels
 * (200 KB, under the control-message limit) are rare: V8's JSON.parse takes ~30 ms on one (2 ms on 10 000).
 */
export function deeplyNested(
  rng: Rng,
  levels = rng.chance(0.005) ? 100_000 : rng.chance(0.1) ? 10_000 : rng.pick([10, 100, 1000]),
): string {
  const kind = rng.int(3);
  const open = kind === 0 ? "[" : kind === 1 ? '{"t":' : rng.pick(["[", '{"a":']);
  const close = open === "[" ? "]" : "}";
  const tail = rng.chance(0.2) ? "" : close.repeat(levels); // sometimes never closed
  return open.repeat(levels) + "1" + tail;
}

/** A mutated copy of `sample`: a field dropped, added, retyped, set to an odd value; or the type changed. */
export function mutateObject(
  rng: Rng,
  sample: Record<string, unknown>,
  types: readonly string[] = [],
): unknown {
  const out: Record<string, unknown> = { ...sample };
  const keys = Object.keys(out);
  const key = keys.length ? rng.pick(keys) : "t";
  for (let n = 1 + rng.length(3); n > 0; n--) {
    switch (rng.int(9)) {
      case 0:
        delete out[key];
        break;
      case 1:
        out[rng.chance(0.5) ? oddString(rng) : rng.pick(["__proto__", "x", "extra", "t"])] = randomJson(
          rng,
          1,
        );
        break;
      case 2:
        out[key] = swapType(rng, out[key]);
        break;
      case 3:
        out[key] = oddNumber(rng);
        break;
      case 4:
        out[key] = oddString(rng);
        break;
      case 5:
        if (types.length) out.t = rng.pick(types);
        break;
      case 6:
        out[key] = null;
        break;
      case 7:
        return rng.chance(0.5) ? [out] : JSON.stringify(out);
      default:
        out[key] = randomJson(rng, 2);
    }
  }
  return out;
}

/** The same value as another JSON type (a number as a string, a boolean as a number...). */
function swapType(rng: Rng, value: unknown): unknown {
  switch (typeof value) {
    case "number":
      return rng.pick([String(value), value !== 0, [value], { value }, null]);
    case "string":
      return rng.pick([Number(value), value.length, [value], value === "" ? 0 : true, null]);
    case "boolean":
      return rng.pick([value ? 1 : 0, String(value), null, [value]]);
    default:
      return rng.pick([0, "", false, [], {}, null]);
  }
}

/**
 * The text of one hostile JSON message: a valid sample, a mutated one, random JSON, truncated or duplicated
 * keys, deep nesting, raw garbage.
 */
export function jsonText(rng: Rng, samples: readonly Record<string, unknown>[]): string {
  const types = samples.map((s) => String(s.t));
  const sample = samples.length ? rng.pick(samples) : {};
  const roll = rng.int(100);
  if (roll < 15) return JSON.stringify(sample);
  if (roll < 55) return JSON.stringify(mutateObject(rng, sample, types)) ?? "null";
  if (roll < 70) return JSON.stringify(randomJson(rng)) ?? "null";
  const text = JSON.stringify(sample);
  if (roll < 78) return text.slice(0, rng.int(text.length + 1));
  if (roll < 82) return text.replace("{", `{"t":${JSON.stringify(rng.pick(types.length ? types : ["x"]))},`);
  if (roll < 85) return deeplyNested(rng);
  if (roll < 88) return rng.pick([" ", "\ufeff", "\n\t"]) + text + rng.pick(["", " ", "\0", "}", ","]);
  if (roll < 91) return rng.pick(["1e999", "-1e999", "[]", "{}", "null", '""', "NaN", "0x10", "{'t':'kd'}"]);
  return oddString(rng, { allowHuge: true });
}

/** Random bytes, mostly short. */
export function randomBytes(rng: Rng, max = 4096): Uint8Array<ArrayBuffer> {
  return rng.bytes(rng.length(max));
}

/** A damaged copy of `bytes`: bits flipped, bytes overwritten, truncated, extended or spliced. */
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
