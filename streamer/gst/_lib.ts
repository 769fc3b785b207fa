/**
 * The native entry points, opened once on first use. Only non-variadic functions: Deno FFI cannot call
 * variadic C functions safely.
 *
 * @module
 */

const P = "pointer" as const;
const BUF = "buffer" as const;

const gstreamer = {
  gst_init_check: { parameters: [P, P, P], result: "i32" },
  gst_parse_launch: { parameters: [BUF, BUF], result: P },
  gst_bin_get_by_name: { parameters: [P, BUF], result: P },
  gst_element_set_state: { parameters: [P, "i32"], result: "i32", nonblocking: true },
  gst_element_get_bus: { parameters: [P], result: P },
  gst_element_get_static_pad: { parameters: [P, BUF], result: P },
  gst_element_get_clock: { parameters: [P], result: P },
  gst_element_get_base_time: { parameters: [P], result: "u64" },
  gst_clock_get_time: { parameters: [P], result: "u64" },
  gst_element_send_event: { parameters: [P, P], result: "i32" },
  gst_pad_send_event: { parameters: [P, P], result: "i32" },
  gst_bus_timed_pop_filtered: { parameters: [P, "u64", "i32"], result: P, nonblocking: true },
  gst_message_parse_error: { parameters: [P, BUF, BUF], result: "void" },
  gst_message_unref: { parameters: [P], result: "void" },
  gst_object_unref: { parameters: [P], result: "void" },
  gst_util_set_object_arg: { parameters: [P, BUF, BUF], result: "void" },
  gst_value_serialize: { parameters: [P], result: P },
  gst_promise_new: { parameters: [], result: P },
  gst_promise_wait: { parameters: [P], result: "i32", nonblocking: true },
  gst_promise_get_reply: { parameters: [P], result: P },
  gst_promise_unref: { parameters: [P], result: "void" },
  gst_promise_get_type: { parameters: [], result: "u64" },
  gst_structure_get_value: { parameters: [P, BUF], result: P },
  gst_structure_to_string: { parameters: [P], result: P },
  gst_sample_get_buffer: { parameters: [P], result: P },
  gst_sample_get_segment: { parameters: [P], result: P },
  gst_segment_to_running_time: { parameters: [P, "i32", "u64"], result: "u64" },
  gst_sample_unref: { parameters: [P], result: "void" },
  gst_buffer_get_size: { parameters: [P], result: "usize" },
  gst_buffer_extract: { parameters: [P, "usize", BUF, "usize"], result: "usize" },
} as const;

const gobject = {
  g_object_ref: { parameters: [P], result: P },
  g_object_unref: { parameters: [P], result: "void" },
  g_object_class_find_property: { parameters: [P, BUF], result: P },
  g_object_get_property: { parameters: [P, BUF, P], result: "void" },
  g_signal_lookup: { parameters: [BUF, "u64"], result: "u32" },
  g_signal_query: { parameters: ["u32", BUF], result: "void" },
  g_signal_emitv: { parameters: [BUF, "u32", "u32", BUF], result: "void" },
  g_signal_connect_data: { parameters: [P, BUF, "function", P, P, "i32"], result: "u64" },
  g_type_fundamental: { parameters: ["u64"], result: "u64" },
  g_value_init: { parameters: [P, "u64"], result: P },
  g_value_unset: { parameters: [P], result: "void" },
  g_value_set_string: { parameters: [P, BUF], result: "void" },
  g_value_set_int: { parameters: [P, "i32"], result: "void" },
  g_value_set_uint: { parameters: [P, "u32"], result: "void" },
  g_value_set_int64: { parameters: [P, "i64"], result: "void" },
  g_value_set_uint64: { parameters: [P, "u64"], result: "void" },
  g_value_set_boolean: { parameters: [P, "i32"], result: "void" },
  g_value_set_double: { parameters: [P, "f64"], result: "void" },
  g_value_set_enum: { parameters: [P, "i32"], result: "void" },
  g_value_set_flags: { parameters: [P, "u32"], result: "void" },
  g_value_set_object: { parameters: [P, P], result: "void" },
  g_value_set_boxed: { parameters: [P, P], result: "void" },
  g_value_set_pointer: { parameters: [P, P], result: "void" },
  g_value_get_boolean: { parameters: [P], result: "i32" },
  g_value_get_pointer: { parameters: [P], result: P },
  g_value_get_string: { parameters: [P], result: P },
  g_value_dup_object: { parameters: [P], result: P },
  g_value_dup_boxed: { parameters: [P], result: P },
  g_value_get_boxed: { parameters: [P], result: P },
} as const;

const glib = {
  g_free: { parameters: [P], result: "void" },
} as const;

const video = {
  gst_video_event_new_upstream_force_key_unit: { parameters: ["u64", "i32", "u32"], result: P },
} as const;

const app = {
  gst_app_sink_try_pull_sample: { parameters: [P, "u64"], result: P, nonblocking: true },
} as const;

const sdp = {
  gst_sdp_message_new_from_text: { parameters: [BUF, BUF], result: "i32" },
  gst_sdp_message_as_text: { parameters: [P], result: P },
} as const;

const webrtc = {
  gst_webrtc_session_description_new: { parameters: ["i32", P], result: P },
  gst_webrtc_session_description_free: { parameters: [P], result: "void" },
} as const;

const libc = {
  _exit: { parameters: ["i32"], result: "void" },
} as const;

function open<S extends Deno.ForeignLibraryInterface>(
  name: string,
  symbols: S,
): Deno.DynamicLibrary<S>["symbols"] {
  return Deno.dlopen(name, symbols).symbols;
}

function load() {
  return {
    gst: open("libgstreamer-1.0.so.0", gstreamer),
    gobject: open("libgobject-2.0.so.0", gobject),
    glib: open("libglib-2.0.so.0", glib),
    video: open("libgstvideo-1.0.so.0", video),
    app: open("libgstapp-1.0.so.0", app),
    sdp: open("libgstsdp-1.0.so.0", sdp),
    webrtc: open("libgstwebrtc-1.0.so.0", webrtc),
    libc: open("libc.so.6", libc),
  };
}

let loaded: ReturnType<typeof load> | undefined;

/** The opened libraries (opened on first call). */
export function lib(): ReturnType<typeof load> {
  loaded ??= load();
  return loaded;
}

const encoder = new TextEncoder();

/** A NUL-terminated copy of a string, for `buffer` parameters. */
export function cstr(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text + "\0");
}

/** Reads a C string; frees it with g_free when `owned`. */
export function readCstr(ptr: Deno.PointerValue, owned = false): string | null {
  if (ptr === null) return null;
  const text = Deno.UnsafePointerView.getCString(ptr);
  if (owned) lib().glib.g_free(ptr);
  return text;
}

/** The GType of a GObject instance (instance->g_class->g_type). */
export function typeOf(instance: Deno.PointerObject): bigint {
  const klass = new Deno.UnsafePointerView(instance).getPointer(0);
  if (klass === null) throw new Error("not a GObject instance");
  return new Deno.UnsafePointerView(klass).getBigUint64(0);
}
