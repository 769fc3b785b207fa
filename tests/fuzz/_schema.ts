/**
 * Valid samples and boundary values derived from zod schemas, so a message type added to protocol/ is
 * fuzzed without a change here. Strings that must match a pattern get their values from `hints`.
 *
 * @module
 */
import type { z } from "zod";
import { oddString, type Rng } from "./_gen.ts";

/** Values for fields whose schema cannot be sampled blindly (regex patterns), by field name. */
export type SampleHints = Record<string, (rng: Rng) => unknown>;

// zod 4's introspection, as far as these generators read it.
interface Introspect {
  _zod: { def: Record<string, unknown> & { type: string } };
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
  minLength?: number | null;
  maxLength?: number | null;
  options?: Introspect[];
  shape?: Record<string, Introspect>;
}

/**
 * The member schemas of a (discriminated) union, or the schema itself.
 *
 * @example
 * ```ts
 * import { unionMembers } from "./_schema.ts";
 * import { ClientMessageSchema } from "../../protocol/protocol.ts";
 * unionMembers(ClientMessageSchema).length > 10; // true
 * ```
 */
export function unionMembers(schema: z.ZodType): z.ZodType[] {
  const s = schema as unknown as Introspect;
  return (s._zod.def.type === "union" ? s.options! : [s]) as unknown as z.ZodType[];
}

/**
 * One valid value of `schema` (within its bounds), with `hints` for named fields.
 *
 * @example
 * ```ts
 * import { sampleOf } from "./_schema.ts";
 * import { Rng } from "./_gen.ts";
 * import { z } from "zod";
 * sampleOf(z.object({ n: z.number().int().min(1).max(3) }), new Rng(1)); // { n: 1 | 2 | 3 }
 * ```
 */
export function sampleOf(schema: z.ZodType, rng: Rng, hints: SampleHints = {}, field = ""): unknown {
  const s = schema as unknown as Introspect;
  const def = s._zod.def;
  if (field && hints[field]) return hints[field](rng);
  switch (def.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [key, member] of Object.entries(s.shape!)) {
        const optional = ["optional", "default"].includes(member._zod.def.type);
        if (optional && rng.chance(0.3)) continue;
        out[key] = sampleOf(member as unknown as z.ZodType, rng, hints, key);
      }
      return out;
    }
    case "literal":
      return rng.pick(def.values as unknown[]);
    case "enum":
      return rng.pick(Object.values(def.entries as Record<string, unknown>));
    case "boolean":
      return rng.chance(0.5);
    case "number": {
      const low = Math.max(s.minValue ?? -1e6, -1e15), high = Math.min(s.maxValue ?? 1e6, 1e15);
      const value = rng.pick([low, high, low + rng.float() * (high - low)]);
      return s.isInt ? Math.min(high, Math.max(low, Math.round(value))) : value;
    }
    case "string": {
      const max = Math.min(s.maxLength ?? 64, 64), min = s.minLength ?? 0;
      let text = oddString(rng).slice(0, max);
      while (text.length < min) text += "x";
      return text;
    }
    case "array":
      return Array.from({ length: rng.int(3) }, () => sampleOf(def.element as z.ZodType, rng, hints, field));
    case "optional":
    case "default":
    case "nullable":
      return sampleOf(def.innerType as z.ZodType, rng, hints, field);
    case "union":
      return sampleOf(rng.pick(s.options!) as unknown as z.ZodType, rng, hints, field);
    default:
      return null;
  }
}

/**
 * Values just outside (and on) the bounds of a field's schema: min-1, max+1, a fraction for an int, a
 * string one longer than allowed.
 *
 * @example
 * ```ts
 * import { boundariesOf } from "./_schema.ts";
 * import { z } from "zod";
 * boundariesOf(z.number().int().min(0).max(9)); // includes -1, 10, 0.5
 * ```
 */
export function boundariesOf(schema: z.ZodType): unknown[] {
  const s = schema as unknown as Introspect;
  const def = s._zod.def;
  if (["optional", "default", "nullable"].includes(def.type)) return boundariesOf(def.innerType as z.ZodType);
  if (def.type === "number") {
    const out: unknown[] = [0.5, -0.5];
    if (s.minValue != null && Number.isFinite(s.minValue)) {
      out.push(s.minValue, s.minValue - 1, s.minValue - 0.001);
    }
    if (s.maxValue != null && Number.isFinite(s.maxValue)) {
      out.push(s.maxValue, s.maxValue + 1, s.maxValue + 0.001);
    }
    return out;
  }
  if (def.type === "string") {
    const out: unknown[] = [""];
    if (s.maxLength != null) out.push("x".repeat(s.maxLength), "x".repeat(s.maxLength + 1));
    return out;
  }
  return [null];
}

/** Member schemas with one sample each and the boundaries of each field, for a union of object messages. */
export interface MessageCorpus {
  /** Generates one valid message of a random member type. */
  valid(rng: Rng): Record<string, unknown>;
  /** A valid message with one field set to a boundary value (on or just past it). */
  boundary(rng: Rng): Record<string, unknown>;
  /** Discriminator values of every member. */
  types: string[];
}

/**
 * Builds the sampling corpus of a union of `{ t: ... }` object schemas.
 *
 * @example
 * ```ts
 * import { messageCorpus } from "./_schema.ts";
 * import { Rng } from "./_gen.ts";
 * import { ClientMessageSchema } from "../../protocol/protocol.ts";
 * const corpus = messageCorpus(ClientMessageSchema);
 * corpus.valid(new Rng(1)).t; // e.g. "kd"
 * ```
 */
export function messageCorpus(schema: z.ZodType, hints: SampleHints = {}): MessageCorpus {
  const members = unionMembers(schema);
  const types = members.flatMap((m) => {
    const t = (m as unknown as Introspect).shape?.t;
    return t ? (t._zod.def.values as string[]) : [];
  });
  const valid = (rng: Rng) => sampleOf(rng.pick(members), rng, hints) as Record<string, unknown>;
  return {
    types,
    valid,
    boundary(rng) {
      const member = rng.pick(members) as unknown as Introspect;
      const out = sampleOf(member as unknown as z.ZodType, rng, hints) as Record<string, unknown>;
      const fields = Object.entries(member.shape ?? {}).filter(([k]) => k !== "t");
      if (fields.length) {
        const [key, field] = rng.pick(fields);
        out[key] = rng.pick(boundariesOf(field as unknown as z.ZodType));
      }
      return out;
    },
  };
}
