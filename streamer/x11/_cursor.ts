// Cursor image capture through XFixes: premultiplied ARGB in `unsigned long`s (8 bytes each on LP64).
import type { XLibs } from "./_lib.ts";
import { argbToRgba, encodePng } from "./png.ts";

/** A cursor image ready for the client. */
export interface CursorImage {
  /** The cursor as a PNG file. */
  png: Uint8Array;
  width: number;
  height: number;
  /** Hotspot, in pixels from the top left. */
  xhot: number;
  yhot: number;
}

/** The largest cursor side accepted (X cursors are small; guards against a bogus image). */
const MAX_SIDE = 512;

/** A cursor image as the server sent it, with its serial (for caching). */
export interface RawCursor {
  serial: bigint;
  width: number;
  height: number;
  xhot: number;
  yhot: number;
  rgba: Uint8Array;
}

/** Reads the current cursor image (a round trip: run it on the requests queue); null when there is none. */
export async function readCursor(x: XLibs, dpy: NonNullable<Deno.PointerValue>): Promise<RawCursor | null> {
  const image = await x.nb.xfixes.XFixesGetCursorImage(dpy);
  if (!image) return null;
  try {
    const view = new Deno.UnsafePointerView(image);
    const width = view.getUint16(4);
    const height = view.getUint16(6);
    if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) return null;
    const pixels = view.getPointer(24);
    if (!pixels) return null;
    const longs = new BigUint64Array(
      Deno.UnsafePointerView.getArrayBuffer(pixels, width * height * 8),
    );
    const argb = Array.from(longs, (v) => Number(v & 0xffffffffn));
    return {
      serial: view.getBigUint64(16),
      width,
      height,
      xhot: Math.min(view.getUint16(8), width - 1),
      yhot: Math.min(view.getUint16(10), height - 1),
      rgba: argbToRgba(argb),
    };
  } finally {
    x.x11.XFree(image);
  }
}

/** Encodes cursors as PNG, remembering recent ones by serial (apps switch among a few cursors). */
export class CursorCache {
  readonly #cache = new Map<bigint, Promise<CursorImage>>();

  encode(raw: RawCursor): Promise<CursorImage> {
    const hit = this.#cache.get(raw.serial);
    if (hit) return hit;
    const { width, height, xhot, yhot } = raw;
    const made = encodePng(raw.rgba, width, height).then((png) => ({ png, width, height, xhot, yhot }));
    this.#cache.set(raw.serial, made);
    if (this.#cache.size > 32) this.#cache.delete(this.#cache.keys().next().value!);
    return made;
  }
}
