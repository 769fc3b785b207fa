// Opening and closing one Display. Opening runs on the calling thread (at session start, before any media
// worker exists); closing syncs with the server (XCloseDisplay), so it runs off the main thread, and a server
// that does not answer leaves the connection open rather than the caller waiting (the process ends soon).
import { cstr, type XLibs } from "./_lib.ts";
import { forgetDisplay, watchDisplay } from "./_errors.ts";
import { X11Error } from "./errors.ts";

/** An open connection. */
export type Display = NonNullable<Deno.PointerValue>;

/** Opens `display` with the cookie in `xauthority`; `lost` is called (once) if the connection breaks. */
export function openDisplay(x: XLibs, display: string, xauthority: string, lost: () => void): Display {
  // Xlib reads XAUTHORITY when connecting; set it just for this call.
  const previous = Deno.env.get("XAUTHORITY");
  Deno.env.set("XAUTHORITY", xauthority);
  const dpy = x.x11.XOpenDisplay(cstr(display));
  if (previous === undefined) Deno.env.delete("XAUTHORITY");
  else Deno.env.set("XAUTHORITY", previous);
  if (!dpy) {
    throw new X11Error(`cannot open X display ${display}: is Xvfb running, and is ${xauthority} its cookie?`);
  }
  watchDisplay(x, dpy, lost);
  return dpy;
}

/** Closes `dpy` on a blocking-pool thread; resolves after at most `timeoutMs`, closed or not. */
export async function closeDisplay(x: XLibs, dpy: Display, timeoutMs: number): Promise<boolean> {
  forgetDisplay(dpy);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), timeoutMs));
  try {
    return await Promise.race([x.nb.x11.XCloseDisplay(dpy).then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
