// Screen resizing through RANDR 1.2 on one connection (user modes die with the client that made them
// unless an output holds them, so creating, adding and setting a mode must not be split over xrandr runs).
// Every call that talks to the server is a `nonblocking` one: run these on the requests connection's queue.
import { cstr, type XLibs } from "./_lib.ts";
import { takeXError } from "./_errors.ts";

type Display = NonNullable<Deno.PointerValue>;

/** A screen size in pixels. */
export interface Size {
  width: number;
  height: number;
}

const MODE_INFO_BYTES = 80;
const DPI = 96;

/** The root window's current size (a round trip, so it is never stale). */
export async function rootSize(x: XLibs, dpy: Display, root: bigint): Promise<Size> {
  const int = () => new Uint8Array(4);
  const [w, h] = [int(), int()];
  await x.nb.x11.XGetGeometry(dpy, root, new Uint8Array(8), int(), int(), w, h, int(), int());
  const read = (b: Uint8Array) => new DataView(b.buffer).getUint32(0, true);
  return { width: read(w), height: read(h) };
}

/** Clamps a requested size to the server's range and rounds it down to even numbers. */
export async function fitSize(
  x: XLibs,
  dpy: Display,
  root: bigint,
  width: number,
  height: number,
): Promise<Size> {
  const range = new Int32Array(4);
  const part = (i: number) => new Uint8Array(range.buffer, i * 4, 4);
  await x.nb.xrandr.XRRGetScreenSizeRange(dpy, root, part(0), part(1), part(2), part(3));
  const fit = (v: number, min: number, max: number) =>
    Math.max(Math.max(min, 2), Math.min(max, Math.floor(v))) & ~1;
  return { width: fit(width, range[0], range[2]), height: fit(height, range[1], range[3]) };
}

/** Resizes the screen and its one output to `size` (already fitted); returns the size reached. */
export async function setSize(x: XLibs, dpy: Display, root: bigint, size: Size): Promise<Size> {
  const current = await rootSize(x, dpy, root);
  if (current.width === size.width && current.height === size.height) return current;
  const res = await x.nb.xrandr.XRRGetScreenResources(dpy, root);
  if (!res) throw new Error("RANDR: no screen resources");
  try {
    const view = new Deno.UnsafePointerView(res);
    const ncrtc = view.getInt32(16);
    const noutput = view.getInt32(32);
    if (ncrtc < 1 || noutput < 1) throw new Error("RANDR: the screen has no CRTC or output");
    const crtc = new Deno.UnsafePointerView(view.getPointer(24)!).getBigUint64(0);
    const output = new Deno.UnsafePointerView(view.getPointer(40)!).getBigUint64(0);
    const mode = findMode(view, size) ?? await createMode(x, dpy, root, output, size);
    // The screen must contain the CRTC at every step: grow first, set the mode, then shrink.
    const mm = (px: number) => Math.round((px * 25.4) / DPI);
    const big = { width: Math.max(current.width, size.width), height: Math.max(current.height, size.height) };
    await x.nb.xrandr.XRRSetScreenSize(dpy, root, big.width, big.height, mm(big.width), mm(big.height));
    const outputs = new BigUint64Array([output]);
    await x.nb.xrandr.XRRSetCrtcConfig(dpy, res, crtc, 0n, 0, 0, mode, 1, new Uint8Array(outputs.buffer), 1);
    await x.nb.xrandr.XRRSetScreenSize(dpy, root, size.width, size.height, mm(size.width), mm(size.height));
    await x.nb.x11.XSync(dpy, 0);
    const error = takeXError(dpy);
    if (error) throw new Error(`RANDR resize to ${size.width}x${size.height} failed (X error ${error})`);
  } finally {
    x.xrandr.XRRFreeScreenResources(res);
  }
  return await rootSize(x, dpy, root);
}

function findMode(resources: Deno.UnsafePointerView, size: Size): bigint | null {
  const count = resources.getInt32(48);
  const modes = resources.getPointer(56);
  if (!modes) return null;
  const view = new Deno.UnsafePointerView(modes);
  for (let i = 0; i < count; i++) {
    const at = i * MODE_INFO_BYTES;
    if (view.getUint32(at + 8) === size.width && view.getUint32(at + 12) === size.height) {
      return view.getBigUint64(at);
    }
  }
  return null;
}

async function createMode(x: XLibs, dpy: Display, root: bigint, output: bigint, size: Size): Promise<bigint> {
  const name = cstr(`${size.width}x${size.height}`);
  const info = new DataView(new ArrayBuffer(MODE_INFO_BYTES));
  info.setUint32(8, size.width, true);
  info.setUint32(12, size.height, true);
  info.setBigUint64(16, BigInt(size.width * size.height * 60), true); // 60 Hz with no blanking
  info.setUint32(24, size.width, true); // hSyncStart
  info.setUint32(28, size.width, true); // hSyncEnd
  info.setUint32(32, size.width, true); // hTotal
  info.setUint32(40, size.height, true); // vSyncStart
  info.setUint32(44, size.height, true); // vSyncEnd
  info.setUint32(48, size.height, true); // vTotal
  info.setBigUint64(56, BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(name))), true);
  info.setUint32(64, name.length - 1, true);
  const mode = await x.nb.xrandr.XRRCreateMode(dpy, root, new Uint8Array(info.buffer));
  await x.nb.xrandr.XRRAddOutputMode(dpy, output, mode);
  await x.nb.x11.XSync(dpy, 0);
  const error = takeXError(dpy);
  if (!mode || error) {
    throw new Error(`RANDR: cannot add mode ${size.width}x${size.height} (X error ${error})`);
  }
  return mode;
}
