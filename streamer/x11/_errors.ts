// X errors, kept per Display. Xlib's default error handler prints and calls exit(); ours records the code for
// the caller that checks it (after an XSync). The callback lives as long as the process: Xlib may call it for
// any display at any time. A call made on a blocking-pool thread (a `nonblocking` symbol) reaches it through
// Deno, which runs it on the main thread while that thread waits.
import type { XLibs } from "./_lib.ts";

type Display = NonNullable<Deno.PointerValue>;

const ERROR_HANDLER = { parameters: ["pointer", "pointer"], result: "i32" } as const;

const lastErrors = new Map<bigint, number>();
let installed = false;

function keyOf(dpy: Deno.PointerValue): bigint {
  return BigInt(Deno.UnsafePointer.value(dpy));
}

/** Reports X errors of every display to {@linkcode takeXError} instead of exiting. Call right after XOpenDisplay. */
export function watchDisplay(x: XLibs, _dpy: Display): void {
  if (installed) return;
  installed = true;
  // Byte 32 of XErrorEvent (LP64) is error_code.
  const onError = new Deno.UnsafeCallback(ERROR_HANDLER, (dpy, event) => {
    lastErrors.set(keyOf(dpy), event ? new Deno.UnsafePointerView(event).getUint8(32) : -1);
    return 0;
  });
  x.x11.XSetErrorHandler(onError.pointer);
}

/** Forgets `dpy` (before XCloseDisplay). */
export function forgetDisplay(dpy: Display): void {
  lastErrors.delete(keyOf(dpy));
}

/** Returns the X error code `dpy` reported since the last call (0: none) and clears it. */
export function takeXError(dpy: Display): number {
  const error = lastErrors.get(keyOf(dpy)) ?? 0;
  lastErrors.delete(keyOf(dpy));
  return error;
}
