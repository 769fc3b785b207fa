/**
 * A GObject handle (element, pad, transceiver, data channel) with properties and signals.
 *
 * @module
 */
import { cstr, lib, readCstr, typeOf } from "./_lib.ts";
import { type GArg, getGValue, GVALUE_BYTES, setGValue, slot, T } from "./_gvalue.ts";

export type { GArg } from "./_gvalue.ts";

/** A signal handler: receives the signal's parameters converted to JavaScript, after the native call returned. */
export type SignalHandler = (...args: GArg[]) => void;

interface SignalInfo {
  id: number;
  returnType: bigint;
  paramTypes: bigint[];
}

const callbacks = new Set<Deno.UnsafeCallback>();

/** A referenced GObject; property and signal access by name. */
export class GObject {
  /** The native pointer (valid while this handle lives). */
  readonly ptr: Deno.PointerObject;

  /**
   * Wraps a pointer the caller already owns a reference to.
   *
   * @example
   * ```ts
   * import { GObject } from "./object.ts";
   * declare const pointerFromNative: Deno.PointerValue; // e.g. from gst_bin_get_by_name
   * const obj = new GObject(pointerFromNative);
   * ```
   */
  constructor(ptr: Deno.PointerValue) {
    if (ptr === null) throw new TypeError("GObject: null pointer");
    this.ptr = ptr;
  }

  /**
   * Sets a property from text the way gst-launch does (numbers, booleans, enum nicks, caps).
   *
   * @example
   * ```ts
   * import type { GObject } from "./object.ts";
   * declare const encoder: GObject;
   * encoder.set("bitrate", 4000);
   * ```
   */
  set(name: string, value: string | number | boolean): void {
    this.#spec(name);
    lib().gst.gst_util_set_object_arg(this.ptr, cstr(name), cstr(String(value)));
  }

  /**
   * Reads a property: text for numbers/strings/enums, booleans, or a referenced pointer for objects.
   *
   * @example
   * ```ts
   * import type { GObject } from "./object.ts";
   * declare const webrtcbin: GObject;
   * const state = webrtcbin.get("ice-gathering-state"); // "complete"
   * ```
   */
  get(name: string): GArg {
    const spec = this.#spec(name);
    const valueType = new Deno.UnsafePointerView(spec).getBigUint64(24); // GParamSpec.value_type
    const value = new Uint8Array(GVALUE_BYTES);
    const ptr = slot(value, 0);
    lib().gobject.g_value_init(ptr, valueType);
    lib().gobject.g_object_get_property(this.ptr, cstr(name), ptr);
    try {
      return getGValue(ptr);
    } finally {
      lib().gobject.g_value_unset(ptr);
    }
  }

  /**
   * Emits an action signal (e.g. webrtcbin's `create-offer`) and returns its result (owned by the caller).
   *
   * @example
   * ```ts
   * import type { GObject } from "./object.ts";
   * declare const webrtcbin: GObject;
   * const channel = webrtcbin.emit("create-data-channel", "input", null);
   * ```
   */
  emit(signal: string, ...args: GArg[]): GArg | undefined {
    const info = this.#signal(signal);
    if (args.length !== info.paramTypes.length) {
      throw new TypeError(`${signal} takes ${info.paramTypes.length} arguments, got ${args.length}`);
    }
    const values = new Uint8Array(GVALUE_BYTES * (args.length + 1));
    setGValue(slot(values, 0), typeOf(this.ptr), this.ptr);
    args.forEach((arg, i) => setGValue(slot(values, i + 1), info.paramTypes[i], arg));
    const result = new Uint8Array(GVALUE_BYTES);
    const hasResult = info.returnType !== T.none;
    if (hasResult) lib().gobject.g_value_init(slot(result, 0), info.returnType);
    lib().gobject.g_signal_emitv(values, info.id, 0, result);
    for (let i = 0; i <= args.length; i++) lib().gobject.g_value_unset(slot(values, i));
    if (!hasResult) return undefined;
    try {
      return getGValue(slot(result, 0));
    } finally {
      lib().gobject.g_value_unset(slot(result, 0));
    }
  }

  /**
   * Connects a handler. Native arguments are converted during the call (strings copied, objects
   * referenced); the handler itself runs on a later macrotask, since the native thread waits for us.
   *
   * @example
   * ```ts
   * import type { GObject } from "./object.ts";
   * declare const webrtcbin: GObject;
   * webrtcbin.connect("on-ice-candidate", (mline, candidate) => console.log(mline, candidate));
   * ```
   */
  connect(signal: string, handler: SignalHandler): void {
    const info = this.#signal(signal);
    const kinds = info.paramTypes.map((t) => nativeKind(lib().gobject.g_type_fundamental(t)));
    const result = info.returnType === T.none
      ? "void" as const
      : nativeKind(lib().gobject.g_type_fundamental(info.returnType));
    const definition = {
      parameters: ["pointer", ...kinds.map((k) => k.native), "pointer"],
      result: result === "void" ? "void" : result.native,
    } as Deno.UnsafeCallbackDefinition;
    const callback = Deno.UnsafeCallback.threadSafe(definition, (_self: unknown, ...raw: unknown[]) => {
      const args = kinds.map((k, i) => k.read(raw[i]));
      setTimeout(() => handler(...args), 0);
      // deno-lint-ignore no-explicit-any
      return (result === "void" ? undefined : result.zero) as any;
    });
    callbacks.add(callback); // Kept for the process lifetime: native code may call it until exit.
    lib().gobject.g_signal_connect_data(this.ptr, cstr(signal), callback.pointer, null, null, 0);
  }

  /** Looks up a property spec, failing with the property name when it does not exist. */
  #spec(name: string): Deno.PointerObject {
    const klass = new Deno.UnsafePointerView(this.ptr).getPointer(0);
    const spec = lib().gobject.g_object_class_find_property(klass, cstr(name));
    if (spec === null) throw new TypeError(`no property "${name}"`);
    return spec;
  }

  #signal(name: string): SignalInfo {
    const id = lib().gobject.g_signal_lookup(cstr(name.split("::")[0]), typeOf(this.ptr));
    if (id === 0) throw new TypeError(`no signal "${name}"`);
    const query = new Uint8Array(56); // GSignalQuery
    lib().gobject.g_signal_query(id, query);
    const view = new DataView(query.buffer);
    const count = view.getUint32(40, true);
    const types = new Deno.UnsafePointerView(Deno.UnsafePointer.create(view.getBigUint64(48, true))!);
    const paramTypes = Array.from({ length: count }, (_, i) => types.getBigUint64(i * 8) & ~1n);
    return { id, returnType: view.getBigUint64(32, true) & ~1n, paramTypes };
  }
}

interface NativeKind {
  native: Deno.NativeResultType & Deno.NativeType;
  read: (raw: unknown) => GArg;
  zero: number | bigint | null;
}

function nativeKind(fundamental: bigint): NativeKind {
  switch (fundamental) {
    case T.string:
      return { native: "pointer", read: (p) => readCstr(p as Deno.PointerValue), zero: null };
    case T.object:
      return {
        native: "pointer",
        read: (p) => p === null ? null : lib().gobject.g_object_ref(p as Deno.PointerObject),
        zero: null,
      };
    case T.boxed:
    case T.pointer:
    case T.param:
      return { native: "pointer", read: (p) => p as Deno.PointerValue, zero: null };
    case T.boolean:
      return { native: "i32", read: (v) => v !== 0, zero: 0 };
    case T.int:
    case T.enum:
      return { native: "i32", read: (v) => v as number, zero: 0 };
    case T.uint:
    case T.flags:
      return { native: "u32", read: (v) => v as number, zero: 0 };
    case T.int64:
    case T.long:
      return { native: "i64", read: (v) => v as bigint, zero: 0n };
    case T.uint64:
    case T.ulong:
      return { native: "u64", read: (v) => v as bigint, zero: 0n };
    case T.double:
      return { native: "f64", read: (v) => v as number, zero: 0 };
    case T.float:
      return { native: "f32", read: (v) => v as number, zero: 0 };
    default:
      throw new TypeError(`unsupported signal parameter type (fundamental ${fundamental})`);
  }
}
