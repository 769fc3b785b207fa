// The one place that dlopens libX11, libXtst, libXfixes, libXrandr and libXdamage. Symbols are loaded lazily, once
// per process. Only non-variadic entry points are used. Pointers never leave streamer/x11/.
//
// Two ways to call: `x11`, `xtst`... run on the calling (main) thread. They serve opening a connection (round
// trips, at session start, before any media worker can hold a grab: see _connection.ts), event polling, local
// look-ups and the events connection's few small writes (event selections, damage subtracts). `nb.*` are the
// same functions declared `nonblocking: true`: each runs on one of Deno's blocking-pool threads and returns a
// Promise, for everything else that may wait on the X server (input, round trips, resizes, cursor images,
// closing; writes block once the socket is full: ~70 small flushes while another client holds a server grab).
// Xlib is not thread-safe here (no XInitThreads), so a Display is only ever used by one call at a time: the
// events connection from the main thread, the requests connection through one serial queue.

const X11_SYMBOLS = {
  XOpenDisplay: { parameters: ["buffer"], result: "pointer" },
  XCloseDisplay: { parameters: ["pointer"], result: "i32" },
  XDefaultRootWindow: { parameters: ["pointer"], result: "u64" },
  XDefaultScreen: { parameters: ["pointer"], result: "i32" },
  XDisplayWidth: { parameters: ["pointer", "i32"], result: "i32" },
  XDisplayHeight: { parameters: ["pointer", "i32"], result: "i32" },
  XFlush: { parameters: ["pointer"], result: "i32" },
  XSync: { parameters: ["pointer", "i32"], result: "i32" },
  XPending: { parameters: ["pointer"], result: "i32" },
  XNextEvent: { parameters: ["pointer", "buffer"], result: "i32" },
  XFree: { parameters: ["pointer"], result: "i32" },
  XInternAtom: { parameters: ["pointer", "buffer", "i32"], result: "u64" },
  XKeysymToKeycode: { parameters: ["pointer", "u64"], result: "u8" },
  XDisplayKeycodes: { parameters: ["pointer", "buffer", "buffer"], result: "i32" },
  XGetKeyboardMapping: { parameters: ["pointer", "u8", "i32", "buffer"], result: "pointer" },
  XChangeKeyboardMapping: { parameters: ["pointer", "i32", "i32", "buffer", "i32"], result: "i32" },
  XGetModifierMapping: { parameters: ["pointer"], result: "pointer" },
  XFreeModifiermap: { parameters: ["pointer"], result: "i32" },
  XConvertCase: { parameters: ["u64", "buffer", "buffer"], result: "void" },
  XQLength: { parameters: ["pointer"], result: "i32" },
  XkbQueryExtension: {
    parameters: ["pointer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  XkbSelectEvents: { parameters: ["pointer", "u32", "u32", "u32"], result: "i32" },
  XkbGetState: { parameters: ["pointer", "u32", "buffer"], result: "i32" },
  XkbGetMap: { parameters: ["pointer", "u32", "u32"], result: "pointer" },
  XkbFreeKeyboard: { parameters: ["pointer", "u32", "i32"], result: "void" },
  XkbTranslateKeyCode: { parameters: ["pointer", "u8", "u32", "buffer", "buffer"], result: "i32" },
  // Xlib's keysym -> Unicode table (exported since X11R6.x for its input methods); optional: without it only
  // Latin-1 and Unicode keysyms are matched by character.
  KeySymToUcs4: { parameters: ["u64"], result: "u32", optional: true },
  XGetGeometry: {
    parameters: ["pointer", "u64", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  XSetErrorHandler: { parameters: ["function"], result: "pointer" },
  XSetIOErrorHandler: { parameters: ["function"], result: "pointer" },
  XSetIOErrorExitHandler: { parameters: ["pointer", "function", "pointer"], result: "void" },
} as const;

const XTST_SYMBOLS = {
  XTestFakeKeyEvent: { parameters: ["pointer", "u32", "i32", "u64"], result: "i32" },
  XTestFakeButtonEvent: { parameters: ["pointer", "u32", "i32", "u64"], result: "i32" },
  XTestFakeMotionEvent: { parameters: ["pointer", "i32", "i32", "i32", "u64"], result: "i32" },
  XTestFakeRelativeMotionEvent: { parameters: ["pointer", "i32", "i32", "u64"], result: "i32" },
} as const;

const XFIXES_SYMBOLS = {
  XFixesQueryExtension: { parameters: ["pointer", "buffer", "buffer"], result: "i32" },
  XFixesSelectCursorInput: { parameters: ["pointer", "u64", "u64"], result: "void" },
  XFixesSelectSelectionInput: { parameters: ["pointer", "u64", "u64", "u64"], result: "void" },
  XFixesGetCursorImage: { parameters: ["pointer"], result: "pointer" },
} as const;

const XRANDR_SYMBOLS = {
  XRRGetScreenResources: { parameters: ["pointer", "u64"], result: "pointer" },
  XRRFreeScreenResources: { parameters: ["pointer"], result: "void" },
  XRRGetScreenSizeRange: {
    parameters: ["pointer", "u64", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  XRRSetScreenSize: { parameters: ["pointer", "u64", "i32", "i32", "i32", "i32"], result: "void" },
  XRRCreateMode: { parameters: ["pointer", "u64", "buffer"], result: "u64" },
  XRRAddOutputMode: { parameters: ["pointer", "u64", "u64"], result: "void" },
  XRRSetCrtcConfig: {
    parameters: ["pointer", "pointer", "u64", "u64", "i32", "i32", "u64", "u16", "buffer", "i32"],
    result: "i32",
  },
} as const;

const XDAMAGE_SYMBOLS = {
  XDamageQueryExtension: { parameters: ["pointer", "buffer", "buffer"], result: "i32" },
  XDamageCreate: { parameters: ["pointer", "u64", "i32"], result: "u64" },
  XDamageSubtract: { parameters: ["pointer", "u64", "u64", "u64"], result: "void" },
  XDamageDestroy: { parameters: ["pointer", "u64"], result: "void" },
} as const;

type Lib<S extends Deno.ForeignLibraryInterface> = Deno.DynamicLibrary<S>["symbols"];

/** The same symbols, each declared `nonblocking: true` (runs off the main thread, returns a Promise). */
type NonBlocking<S extends Deno.ForeignLibraryInterface, K extends keyof S> = {
  [P in K]: S[P] & { nonblocking: true };
};

function nonBlocking<S extends Deno.ForeignLibraryInterface, K extends keyof S>(
  symbols: S,
  names: K[],
): NonBlocking<S, K> {
  return Object.fromEntries(names.map((n) => [n, { ...symbols[n], nonblocking: true }])) as NonBlocking<S, K>;
}

const X11_NB = nonBlocking(X11_SYMBOLS, [
  "XSync",
  "XFlush",
  "XCloseDisplay",
  "XGetGeometry",
  "XKeysymToKeycode",
  "XGetKeyboardMapping",
  "XChangeKeyboardMapping",
  "XGetModifierMapping",
  "XkbQueryExtension",
  "XkbGetState",
  "XkbGetMap",
]);
const XTST_NB = nonBlocking(XTST_SYMBOLS, [
  "XTestFakeKeyEvent",
  "XTestFakeButtonEvent",
  "XTestFakeMotionEvent",
  "XTestFakeRelativeMotionEvent",
]);
const XFIXES_NB = nonBlocking(XFIXES_SYMBOLS, ["XFixesGetCursorImage"]);
const XRANDR_NB = nonBlocking(XRANDR_SYMBOLS, [
  "XRRGetScreenResources",
  "XRRGetScreenSizeRange",
  "XRRSetScreenSize",
  "XRRCreateMode",
  "XRRAddOutputMode",
  "XRRSetCrtcConfig",
]);

/** The loaded X libraries. */
export interface XLibs {
  x11: Lib<typeof X11_SYMBOLS>;
  xtst: Lib<typeof XTST_SYMBOLS>;
  xfixes: Lib<typeof XFIXES_SYMBOLS>;
  xrandr: Lib<typeof XRANDR_SYMBOLS>;
  xdamage: Lib<typeof XDAMAGE_SYMBOLS>;
  /** Calls that may wait on the X server, run on a blocking-pool thread. */
  nb: {
    x11: Lib<typeof X11_NB>;
    xtst: Lib<typeof XTST_NB>;
    xfixes: Lib<typeof XFIXES_NB>;
    xrandr: Lib<typeof XRANDR_NB>;
  };
}

let libs: XLibs | null = null;

/** Loads the libraries once (the error handlers are installed by `_errors.ts` on first open). */
export function xlibs(): XLibs {
  libs ??= {
    x11: Deno.dlopen("libX11.so.6", X11_SYMBOLS).symbols,
    xtst: Deno.dlopen("libXtst.so.6", XTST_SYMBOLS).symbols,
    xfixes: Deno.dlopen("libXfixes.so.3", XFIXES_SYMBOLS).symbols,
    xrandr: Deno.dlopen("libXrandr.so.2", XRANDR_SYMBOLS).symbols,
    xdamage: Deno.dlopen("libXdamage.so.1", XDAMAGE_SYMBOLS).symbols,
    nb: {
      x11: Deno.dlopen("libX11.so.6", X11_NB).symbols,
      xtst: Deno.dlopen("libXtst.so.6", XTST_NB).symbols,
      xfixes: Deno.dlopen("libXfixes.so.3", XFIXES_NB).symbols,
      xrandr: Deno.dlopen("libXrandr.so.2", XRANDR_NB).symbols,
    },
  };
  return libs;
}

/** The first event number of an extension (its `XxxQueryExtension`), or null when the display lacks it. */
export function eventBase(
  query: (dpy: Deno.PointerValue, event: Uint8Array, error: Uint8Array) => number,
  dpy: Deno.PointerValue,
): number | null {
  const base = new Int32Array(2);
  const ok = query(dpy, new Uint8Array(base.buffer, 0, 4), new Uint8Array(base.buffer, 4, 4));
  return ok ? base[0] : null;
}

/** A NUL-terminated C string. */
export function cstr(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text + "\0");
}
