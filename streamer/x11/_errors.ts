// X errors and lost connections, kept per Display. Xlib's defaults end the process: the error handler prints
// and calls exit(), and so does the I/O error path, twice over (the XIOErrorHandler `_XDefaultIOError` exits
// itself, then the per-display XIOErrorExitHandler `_XDefaultIOErrorExit` would). A session whose X server dies
// (scancel and walltime signal Xvfb and the streamer at once) must still run its stop, which removes the
// cookies and the secret: so both I/O hooks return, and the lost display is reported instead.
// libX11 >= 1.7 (Debian 12: 1.8.4) has XSetIOErrorExitHandler; after it returns, every call on that display
// returns at once (XlibDisplayIOError) and XCloseDisplay only frees it.
//
// The callbacks live as long as the process, so as long as any display: Xlib may call them at any time. A call
// made on a blocking-pool thread (a `nonblocking` symbol) reaches them through Deno, which runs them on the
// main thread while that thread waits.
import type { XLibs } from "./_lib.ts";

type Display = NonNullable<Deno.PointerValue>;

const ERROR_HANDLER = { parameters: ["pointer", "pointer"], result: "i32" } as const;
const IO_ERROR_HANDLER = { parameters: ["pointer"], result: "i32" } as const;
const IO_ERROR_EXIT_HANDLER = { parameters: ["pointer", "pointer"], result: "void" } as const;

const lastErrors = new Map<bigint, number>();
const lostListeners = new Map<bigint, () => void>();
let exitHandler: Deno.UnsafeCallback<typeof IO_ERROR_EXIT_HANDLER> | null = null;

function keyOf(dpy: Deno.PointerValue): bigint {
  return BigInt(Deno.UnsafePointer.value(dpy));
}

function install(x: XLibs): Deno.UnsafeCallback<typeof IO_ERROR_EXIT_HANDLER> {
  // Byte 32 of XErrorEvent (LP64) is error_code.
  const onError = new Deno.UnsafeCallback(ERROR_HANDLER, (dpy, event) => {
    lastErrors.set(keyOf(dpy), event ? new Deno.UnsafePointerView(event).getUint8(32) : -1);
    return 0;
  });
  const onIoError = new Deno.UnsafeCallback(IO_ERROR_HANDLER, () => 0);
  const onIoExit = new Deno.UnsafeCallback(IO_ERROR_EXIT_HANDLER, (dpy) => {
    const lost = lostListeners.get(keyOf(dpy));
    lostListeners.delete(keyOf(dpy));
    // Still inside an Xlib call on that display: report once the call has returned.
    if (lost) setTimeout(lost, 0);
  });
  x.x11.XSetErrorHandler(onError.pointer);
  x.x11.XSetIOErrorHandler(onIoError.pointer);
  return onIoExit;
}

/**
 * Reports X errors of `dpy` to {@linkcode takeXError} and calls `lost` (once, later) instead of exiting the
 * process when its connection breaks. Call right after XOpenDisplay.
 */
export function watchDisplay(x: XLibs, dpy: Display, lost: () => void): void {
  exitHandler ??= install(x);
  lostListeners.set(keyOf(dpy), lost);
  x.x11.XSetIOErrorExitHandler(dpy, exitHandler.pointer, null);
}

/** Forgets `dpy` (before XCloseDisplay). */
export function forgetDisplay(dpy: Display): void {
  lostListeners.delete(keyOf(dpy));
  lastErrors.delete(keyOf(dpy));
}

/** Returns the X error code `dpy` reported since the last call (0: none) and clears it. */
export function takeXError(dpy: Display): number {
  const error = lastErrors.get(keyOf(dpy)) ?? 0;
  lastErrors.delete(keyOf(dpy));
  return error;
}
