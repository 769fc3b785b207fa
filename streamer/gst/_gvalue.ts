/**
 * GValue (24 bytes on LP64) conversion between JavaScript values and GLib types.
 *
 * @module
 */
import { cstr, lib, readCstr } from "./_lib.ts";

/** A value passed to or from a signal. */
export type GArg = string | number | bigint | boolean | Deno.PointerValue;

/** Bytes of one GValue on LP64. */
export const GVALUE_BYTES = 24;

/** Fundamental GTypes (G_TYPE_MAKE_FUNDAMENTAL(n) = n << 2). */
export const T = {
  none: 4n,
  boolean: 20n,
  int: 24n,
  uint: 28n,
  long: 32n,
  ulong: 36n,
  int64: 40n,
  uint64: 44n,
  enum: 48n,
  flags: 52n,
  float: 56n,
  double: 60n,
  string: 64n,
  pointer: 68n,
  boxed: 72n,
  param: 76n,
  object: 80n,
} as const;

/** Pointer to byte `index * 24` of a GValue array. */
export function slot(array: Uint8Array<ArrayBuffer>, index: number): Deno.PointerObject {
  return Deno.UnsafePointer.offset(Deno.UnsafePointer.of(array)!, index * GVALUE_BYTES)!;
}

/** Initializes `value` (zeroed memory) to `type` and stores `arg` in it. */
export function setGValue(value: Deno.PointerObject, type: bigint, arg: GArg): void {
  const g = lib().gobject;
  g.g_value_init(value, type);
  const fundamental = g.g_type_fundamental(type);
  switch (fundamental) {
    case T.string:
      // g_value_set_string copies, so a temporary buffer is fine.
      if (arg === null) return;
      g.g_value_set_string(value, cstr(String(arg)));
      return;
    case T.boolean:
      return g.g_value_set_boolean(value, arg ? 1 : 0);
    case T.int:
    case T.long:
      return g.g_value_set_int(value, Number(arg));
    case T.uint:
    case T.ulong:
      return g.g_value_set_uint(value, Number(arg));
    case T.int64:
      return g.g_value_set_int64(value, BigInt(arg as number));
    case T.uint64:
      return g.g_value_set_uint64(value, BigInt(arg as number));
    case T.enum:
      return g.g_value_set_enum(value, Number(arg));
    case T.flags:
      return g.g_value_set_flags(value, Number(arg));
    case T.double:
    case T.float:
      return g.g_value_set_double(value, Number(arg));
    case T.object:
      return g.g_value_set_object(value, asPointer(arg));
    case T.boxed:
      return g.g_value_set_boxed(value, asPointer(arg));
    case T.pointer:
      return g.g_value_set_pointer(value, asPointer(arg));
    default:
      throw new TypeError(`unsupported GType ${type} (fundamental ${fundamental})`);
  }
}

/** Reads a GValue into JavaScript; objects and boxed values come back referenced (caller owns them). */
export function getGValue(value: Deno.PointerObject): GArg {
  const g = lib().gobject;
  const type = new Deno.UnsafePointerView(value).getBigUint64(0);
  const fundamental = g.g_type_fundamental(type);
  switch (fundamental) {
    case T.boolean:
      return g.g_value_get_boolean(value) !== 0;
    case T.object:
      return g.g_value_dup_object(value);
    case T.boxed:
      return g.g_value_dup_boxed(value);
    case T.pointer:
      return g.g_value_get_pointer(value);
    case T.string:
      return readCstr(g.g_value_get_string(value));
    case T.enum:
    case T.flags:
      // GStreamer's own serializer gives the enum's nick, the text `set` accepts.
      return readCstr(lib().gst.gst_value_serialize(value), true);
    default:
      return Number(readCstr(lib().gst.gst_value_serialize(value), true));
  }
}

function asPointer(arg: GArg): Deno.PointerValue {
  if (arg === null || typeof arg === "object") return arg;
  throw new TypeError(`expected a pointer, got ${typeof arg}`);
}
