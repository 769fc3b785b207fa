// The one place that dlopens libX11, libXtst, libXfixes, libXrandr and libXdamage. Symbols are loaded lazily, once
// per process. Only non-variadic entry points are used. Pointers never leave streamer/x11/.

const X11_SYMBOLS = {
  XOpenDisplay: { parameters: ["buffer"], result: "pointer" },
  XCloseDisplay: { parameters: ["pointer"], result: "i32" },
  XDefaultRootWindow: { parameters: ["pointer"], result: "u64" },
  XDefaultScreen: { parameters: ["pointer"], result: "i32" },
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
  XGetGeometry: {
    parameters: ["pointer", "u64", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  XSetErrorHandler: { parameters: ["function"], result: "pointer" },
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

/** The loaded X libraries. */
export interface XLibs {
  x11: Lib<typeof X11_SYMBOLS>;
  xtst: Lib<typeof XTST_SYMBOLS>;
  xfixes: Lib<typeof XFIXES_SYMBOLS>;
  xrandr: Lib<typeof XRANDR_SYMBOLS>;
  xdamage: Lib<typeof XDAMAGE_SYMBOLS>;
}

let libs: XLibs | null = null;
let lastError = 0;

/** Loads the libraries once and installs an error handler (Xlib's default one exits the process). */
export function xlibs(): XLibs {
  if (libs) return libs;
  const x11 = Deno.dlopen("libX11.so.6", X11_SYMBOLS).symbols;
  const loaded: XLibs = {
    x11,
    xtst: Deno.dlopen("libXtst.so.6", XTST_SYMBOLS).symbols,
    xfixes: Deno.dlopen("libXfixes.so.3", XFIXES_SYMBOLS).symbols,
    xrandr: Deno.dlopen("libXrandr.so.2", XRANDR_SYMBOLS).symbols,
    xdamage: Deno.dlopen("libXdamage.so.1", XDAMAGE_SYMBOLS).symbols,
  };
  // Called synchronously from inside an Xlib call on this thread; byte 32 of XErrorEvent (LP64) is error_code.
  const handler = new Deno.UnsafeCallback(
    { parameters: ["pointer", "pointer"], result: "i32" } as const,
    (_display, event) => {
      lastError = event ? new Deno.UnsafePointerView(event).getUint8(32) : -1;
      return 0;
    },
  );
  x11.XSetErrorHandler(handler.pointer);
  libs = loaded;
  return libs;
}

/** Returns the X error code seen since the last call (0: none) and clears it. */
export function takeXError(): number {
  const error = lastError;
  lastError = 0;
  return error;
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
