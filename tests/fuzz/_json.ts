/**
 * Hostile JSON for the fuzz suite: values of every shape, deep nesting, field-by-field mutations of valid
 * messages, and the text of one hostile message (built on _gen.ts's random source and odd values).
 *
 * @module
 */
import { oddNumber, oddString, type Rng } from "./_gen.ts";

/**
 * Any JSON value: scalars, arrays and objects (odd keys included), at most `depth` levels deep.
 *
 * @example
 * ```ts
 * import { randomJson } from "./_json.ts";
 * import { Rng } from "./_gen.ts";
 * JSON.stringify(randomJson(new Rng(1), 2)); // some JSON
 * ```
 */
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
 *
 * @example
 * ```ts
 * import { deeplyNested } from "./_json.ts";
 * import { Rng } from "./_gen.ts";
 * deeplyNested(new Rng(1), 3); // e.g. "[[[1]]]"
 * ```
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

/**
 * A mutated copy of `sample`: a field dropped, added, retyped, set to an odd value; or the type changed.
 *
 * @example
 * ```ts
 * import { mutateObject } from "./_json.ts";
 * import { Rng } from "./_gen.ts";
 * mutateObject(new Rng(1), { t: "kd", k: 65 }); // e.g. { t: "kd", k: "65" }
 * ```
 */
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
 *
 * @example
 * ```ts
 * import { jsonText } from "./_json.ts";
 * import { Rng } from "./_gen.ts";
 * typeof jsonText(new Rng(1), [{ t: "kf" }]); // "string"
 * ```
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
