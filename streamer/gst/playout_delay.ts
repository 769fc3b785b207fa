/**
 * The WebRTC playout-delay RTP header extension (`min = max = 0`), registered as a GStreamer element so that a
 * payloader whose caps carry `extmap-<id>=<PLAYOUT_DELAY_URI>` adds it by itself (rtpbasepayload's
 * `auto-header-extension`).
 *
 * Why: without it Chromium's receiver holds every frame in its jitter buffer for its own jitter estimate plus
 * render delay (33-37 ms measured at 1080p on a 2-core box) before decoding it. A frame that says "playout delay
 * 0..0" is decoded and drawn as soon as it is complete (Chromium's low-latency renderer), and Chromium keeps the
 * limits for the following frames. `RTCRtpReceiver.jitterBufferTarget = 0` on the page alone cannot do this: it
 * only lowers a minimum that is 0 already. GStreamer 1.22 has no element for this extension, hence the subclass
 * of `GstRTPHeaderExtension` built here through FFI.
 *
 * Threads: the payloader calls the class's methods on its streaming thread, per RTP packet, while it holds its
 * own object lock. "Supported flags" and "maximum size" are a native function (see {@linkcode PLAYOUT_DELAY_ID});
 * `write` is JavaScript, and runs on a worker thread of its own (`_playout_delay_writer.ts`), never on the main
 * thread: the main thread makes synchronous GStreamer calls (an element looked up by name locks every child,
 * the payloader too), and a write waiting for it there deadlocked the media worker in about one start in three.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import { cstr } from "./_lib.ts";
import { gstInit } from "./pipeline.ts";

/** The extension's URI, as Chromium knows it (`a=extmap:<id> <uri>` in the SDP). */
export const PLAYOUT_DELAY_URI = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";

/** Name of the element factory that implements {@linkcode PLAYOUT_DELAY_URI}. */
export const PLAYOUT_DELAY_ELEMENT = "selkiesplayoutdelay";

/**
 * The extension id this element must be given (`extmap-5` in the payloader's caps). Odd and 3..16 on purpose:
 * the class answers "supported flags" and "maximum size" with the native `gst_rtp_header_extension_get_id`,
 * which returns 5 = one-byte header (bit 0; bit 2 means nothing) and 5 bytes (>= the 3 written, <= the 16 a
 * one-byte header allows). So only `write` calls into JavaScript, once per packet, instead of three times.
 */
export const PLAYOUT_DELAY_ID = 5;

const GST_RANK_MARGINAL = 64; // the lowest rank gst_rtp_header_extension_create_from_uri() looks at
const VFUNCS = 8;

const P = "pointer" as const;

function openSymbols() {
  const gst = Deno.dlopen("libgstreamer-1.0.so.0", {
    gst_element_get_type: { parameters: [], result: "u64" },
    gst_element_register: { parameters: [P, "buffer", "u32", "u64"], result: "i32" },
    gst_element_class_set_metadata: {
      parameters: [P, "buffer", "buffer", "buffer", "buffer"],
      result: "void",
    },
  }).symbols;
  const rtp = Deno.dlopen("libgstrtp-1.0.so.0", {
    gst_rtp_header_extension_get_type: { parameters: [], result: "u64" },
    gst_rtp_header_extension_class_set_uri: { parameters: [P, "buffer"], result: "void" },
  }).symbols;
  const gobject = Deno.dlopen("libgobject-2.0.so.0", {
    g_type_query: { parameters: ["u64", "buffer"], result: "void" },
    g_type_from_name: { parameters: ["buffer"], result: "u64" },
    g_type_register_static_simple: {
      parameters: ["u64", "buffer", "u32", "function", "u32", P, "u32"],
      result: "u64",
    },
  }).symbols;
  // The address of gst_rtp_header_extension_get_id, for the class's method table (see PLAYOUT_DELAY_ID).
  const libc = Deno.dlopen("libc.so.6", {
    dlopen: { parameters: ["buffer", "i32"], result: P },
    dlsym: { parameters: [P, "buffer"], result: P },
  }).symbols;
  const RTLD_NOW = 2;
  const getId = libc.dlsym(
    libc.dlopen(cstr("libgstrtp-1.0.so.0"), RTLD_NOW),
    cstr("gst_rtp_header_extension_get_id"),
  );
  if (getId === null) throw new Error("gst_rtp_header_extension_get_id not found");
  return { gst, rtp, gobject, getId };
}

/** Class and instance sizes of a GType (GTypeQuery). */
function sizes(gobject: ReturnType<typeof openSymbols>["gobject"], type: bigint) {
  const query = new Uint8Array(24); // { GType type; const gchar *type_name; guint class_size; guint instance_size; }
  gobject.g_type_query(type, query);
  const view = new DataView(query.buffer);
  return { classSize: view.getUint32(16, true), instanceSize: view.getUint32(20, true) };
}

// Native code keeps calling these until the process exits: callbacks and the writer are never closed.
const alive: unknown[] = [];

function keep(callback: { pointer: Deno.PointerObject }): Deno.PointerObject {
  alive.push(callback);
  return callback.pointer;
}

let registered = false;

/** Starts the worker that runs `write` and waits (synchronously, at most 10 s) for the callback's address. */
function startWriter(): Deno.PointerObject {
  const shared = new SharedArrayBuffer(16);
  const flag = new Int32Array(shared, 0, 1);
  // node:worker_threads for unref(): a Web Worker would keep every process that registered the extension alive.
  const worker = new Worker(new URL("./_playout_delay_writer.ts", import.meta.url), { workerData: shared });
  worker.unref();
  // The worker starts on its own thread; blocking here keeps registerPlayoutDelay() synchronous.
  if (Atomics.wait(flag, 0, 0, 10_000) === "timed-out") {
    worker.terminate();
    throw new Error("the playout-delay writer did not start");
  }
  alive.push(worker);
  return Deno.UnsafePointer.create(new BigUint64Array(shared, 8, 1)[0])!;
}

/**
 * Registers the playout-delay header extension element once per process (after this, any payloader whose
 * caps name {@linkcode PLAYOUT_DELAY_URI} under an `extmap-<id>` field writes it into every packet). Blocks for
 * the ~0.1 s its writer thread takes to start.
 *
 * @throws {Error} when the GStreamer class layout is not the one this code was written for, or the writer did
 * not start.
 * @example
 * ```ts
 * import { PLAYOUT_DELAY_ID, PLAYOUT_DELAY_URI, registerPlayoutDelay } from "./playout_delay.ts";
 * import { Pipeline } from "./pipeline.ts";
 * registerPlayoutDelay();
 * const pipeline = Pipeline.parse(
 *   `videotestsrc ! x264enc ! rtph264pay ! application/x-rtp,extmap-${PLAYOUT_DELAY_ID}=(string)${PLAYOUT_DELAY_URI} ! ` +
 *     "fakesink",
 * );
 * ```
 */
export function registerPlayoutDelay(): void {
  if (registered) return;
  gstInit();
  const { gst, rtp, gobject, getId } = openSymbols();
  const parent = rtp.gst_rtp_header_extension_get_type();
  const { classSize, instanceSize } = sizes(gobject, parent);
  // GstRTPHeaderExtensionClass = GstElementClass, then get_supported_flags, get_max_size, write, read and four
  // more virtual methods, then padding (ABI-stable since 1.20).
  const vfuncs = sizes(gobject, gst.gst_element_get_type()).classSize;
  if (classSize < vfuncs + VFUNCS * 8) {
    throw new Error(`unexpected GstRTPHeaderExtensionClass size ${classSize} (GstElementClass ${vfuncs})`);
  }
  const write = startWriter();
  // Runs during gst_element_register() below, on this thread; unref: it must not keep the process alive.
  const init = Deno.UnsafeCallback.threadSafe({ parameters: [P, P], result: "void" } as const, (klass) => {
    if (klass === null) return;
    const view = new DataView(Deno.UnsafePointerView.getArrayBuffer(klass, classSize));
    const set = (index: number, fn: Deno.PointerObject) =>
      view.setBigUint64(vfuncs + index * 8, BigInt(Deno.UnsafePointer.value(fn)), true);
    set(0, getId); // get_supported_flags
    set(1, getId); // get_max_size
    set(2, write);
    set(3, getId); // read: a send-only extension is never read; non-zero means "read fine"
    gst.gst_element_class_set_metadata(
      klass,
      cstr("Playout delay RTP header extension"),
      cstr("Network/Extension/RTPHeader"),
      cstr("Asks WebRTC receivers to play frames without delay (min = max = 0)"),
      cstr("selkies-hpc"),
    );
    rtp.gst_rtp_header_extension_class_set_uri(klass, cstr(PLAYOUT_DELAY_URI));
  });
  init.unref();
  const classInit = keep(init);
  const typeName = cstr("SelkiesPlayoutDelay");
  const type = gobject.g_type_from_name(typeName) ||
    gobject.g_type_register_static_simple(parent, typeName, classSize, classInit, instanceSize, null, 0);
  if (!gst.gst_element_register(null, cstr(PLAYOUT_DELAY_ELEMENT), GST_RANK_MARGINAL, type)) {
    throw new Error("could not register the playout-delay RTP header extension");
  }
  registered = true;
}
